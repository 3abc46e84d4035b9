using System.Collections.Concurrent;
using System.Globalization;

namespace EventBot.Projections.Core;

/// <summary>
/// Read models carry a generation so a rebuild can write the next one while the current one keeps serving.
/// The active generation per projection is a small named value in the view store; absent means 1.
/// </summary>
public sealed class Generations(IViewStore views)
{
    private readonly ConcurrentDictionary<string, long> _active = new(StringComparer.Ordinal);

    public static string PointerName(string projection) => $"generation/{projection}";

    public static string PhysicalPartition(string projection, long generation, string logicalPartition) =>
        $"{projection}#{generation.ToString(CultureInfo.InvariantCulture)}#{logicalPartition}";

    public static string GenerationPrefix(string projection, long generation) =>
        $"{projection}#{generation.ToString(CultureInfo.InvariantCulture)}#";

    public async ValueTask<long> ActiveAsync(string projection, CancellationToken ct)
    {
        if (_active.TryGetValue(projection, out var cached)) return cached;
        var stored = await views.GetValueAsync(PointerName(projection), ct);
        var generation = stored is null ? 1 : long.Parse(stored, CultureInfo.InvariantCulture);
        _active[projection] = generation;
        return generation;
    }

    /// <summary>Forget cached pointers so the next read sees a flip made by another process.</summary>
    public void Refresh() => _active.Clear();

    public async Task FlipAsync(string projection, long generation, CancellationToken ct)
    {
        await views.SetValueAsync(PointerName(projection), generation.ToString(CultureInfo.InvariantCulture), ct);
        _active[projection] = generation;
    }
}
