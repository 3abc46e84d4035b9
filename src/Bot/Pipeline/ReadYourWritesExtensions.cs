using EventBot.Projections.Core;

namespace EventBot.Bot.Pipeline;

/// <summary>A row of a projection, named for a read-your-writes wait.</summary>
public readonly record struct ProjectedRow(string Projection, ViewKey Row);

public static class ReadYourWritesExtensions
{
    /// <summary>
    /// Waits until every row has applied <paramref name="version"/> of <paramref name="streamId"/>, in order; stops at
    /// the first that runs out of time, so the whole wait stays bounded by about one timeout.
    /// </summary>
    public static async Task<bool> WaitAllAsync(this ReadYourWrites readYourWrites, IEnumerable<ProjectedRow> rows, string streamId, long version, CancellationToken ct)
    {
        foreach (var (projection, row) in rows)
            if (!await readYourWrites.WaitAsync(projection, row, streamId, version, ct)) return false;
        return true;
    }
}
