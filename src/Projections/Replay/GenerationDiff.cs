using EventBot.Projections.Core;

namespace EventBot.Projections.Replay;

public enum DriftKind
{
    /// <summary>The rebuild has the row; the live read model does not.</summary>
    Missing,

    /// <summary>The live read model has a row the events do not produce.</summary>
    Extra,

    /// <summary>Both have the row with different bodies or applied versions.</summary>
    Different,
}

/// <summary>One row where the live read model differs from a rebuild from the events.</summary>
public sealed record RowDifference(string Projection, string Partition, string Sort, DriftKind Kind, string? Live, string? Rebuilt);

/// <summary>Compares two generations of a projection row by row, one logical partition at a time (memory: one partition).</summary>
public static class GenerationDiff
{
    public static async Task<IReadOnlyList<RowDifference>> CompareAsync(IViewStore views, string projection, long live, long rebuilt, CancellationToken ct)
    {
        var partitions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var generation in new[] { live, rebuilt })
            foreach (var physical in await views.ListPartitionsAsync(Generations.GenerationPrefix(projection, generation), ct))
                partitions.Add(Generations.LogicalPartition(projection, generation, physical));

        var drift = new List<RowDifference>();
        foreach (var partition in partitions)
        {
            var liveRows = (await views.QueryAsync(Generations.PhysicalPartition(projection, live, partition), ct)).ToDictionary(r => r.Key.Sort, StringComparer.Ordinal);
            var rebuiltRows = (await views.QueryAsync(Generations.PhysicalPartition(projection, rebuilt, partition), ct)).ToDictionary(r => r.Key.Sort, StringComparer.Ordinal);
            foreach (var sort in liveRows.Keys.Union(rebuiltRows.Keys).Order(StringComparer.Ordinal))
            {
                liveRows.TryGetValue(sort, out var l);
                rebuiltRows.TryGetValue(sort, out var r);
                if (l is null) drift.Add(new RowDifference(projection, partition, sort, DriftKind.Missing, null, Describe(r!)));
                else if (r is null) drift.Add(new RowDifference(projection, partition, sort, DriftKind.Extra, Describe(l), null));
                else if (!Same(l, r)) drift.Add(new RowDifference(projection, partition, sort, DriftKind.Different, Describe(l), Describe(r)));
            }
        }
        return drift;
    }

    private static bool Same(ViewRow a, ViewRow b) =>
        a.Body == b.Body && AppliedVersions.Equal(a.Applied, b.Applied);

    private static string Describe(ViewRow row) =>
        $"{row.Body} applied {{{string.Join(", ", row.Applied.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: v{a.Value}"))}}}";
}
