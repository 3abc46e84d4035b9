namespace EventBot.Projections.Core;

/// <summary>Query side: reads rows of a projection's active generation by logical key.</summary>
public sealed class ReadModels(IViewStore views, Generations generations)
{
    public async Task<ViewRow?> GetAsync(string projection, ViewKey logical, CancellationToken ct)
    {
        var generation = await generations.ActiveAsync(projection, ct);
        return await views.GetAsync(Generations.PhysicalKey(projection, generation, logical), ct);
    }

    public async Task<IReadOnlyList<ViewRow>> QueryAsync(string projection, string logicalPartition, CancellationToken ct)
    {
        var generation = await generations.ActiveAsync(projection, ct);
        return await views.QueryAsync(Generations.PhysicalPartition(projection, generation, logicalPartition), ct);
    }

    /// <summary>The bodies of a partition's rows in sort order, without their applied versions (a key listing: autocomplete).</summary>
    public async Task<IReadOnlyList<string>> QueryBodiesAsync(string projection, string logicalPartition, CancellationToken ct)
    {
        var generation = await generations.ActiveAsync(projection, ct);
        return await views.QueryBodiesAsync(Generations.PhysicalPartition(projection, generation, logicalPartition), ct);
    }
}
