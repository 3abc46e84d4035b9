using EventBot.Projections.Core;

namespace EventBot.Bot.Pipeline;

/// <summary>A row of a projection, named for a read-your-writes wait.</summary>
public readonly record struct ProjectedRow(string Projection, ViewKey Row);

public static class ReadYourWritesExtensions
{
    /// <summary>Waits until every row has applied <paramref name="version"/> of <paramref name="streamId"/>, within one timeout in all.</summary>
    public static Task<bool> WaitAllAsync(this ReadYourWrites readYourWrites, IEnumerable<ProjectedRow> rows, string streamId, long version, CancellationToken ct) =>
        readYourWrites.WaitAllAsync(rows.Select(r => (r.Projection, r.Row)), streamId, version, ct);
}
