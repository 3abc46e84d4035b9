using System.Collections.Concurrent;
using System.Globalization;

namespace EventBot.Projections.Core;

/// <summary>
/// Read models carry a generation so a rebuild can write the next one while the current one keeps serving.
/// The active generation per projection is a small named value in the view store; absent means 1.
/// The pointer is cached for <see cref="Ttl"/> only: a rebuild usually runs in another process (the <c>replay</c>
/// verb), and the bot's queries and feeds must see its flip within that time. The rebuilder waits out twice the
/// TTL after a flip before its last catch-up and before deleting the old generation.
/// </summary>
public sealed class Generations(IViewStore views, TimeProvider time)
{
    /// <summary>Generation 0 is never active: <c>replay --verify</c> builds its scratch copy there.</summary>
    public const long Scratch = 0;

    private readonly ConcurrentDictionary<string, (long Generation, DateTimeOffset ReadAt)> _active = new(StringComparer.Ordinal);

    public Generations(IViewStore views)
        : this(views, TimeProvider.System)
    {
    }

    /// <summary>How long a cached pointer is trusted. Default 2 s.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(2);

    public static string PointerName(string projection) => $"generation/{projection}";

    public static string PhysicalPartition(string projection, long generation, string logicalPartition) =>
        $"{projection}#{generation.ToString(CultureInfo.InvariantCulture)}#{logicalPartition}";

    /// <summary>The physical key of <paramref name="logical"/> in that projection's <paramref name="generation"/>.</summary>
    public static ViewKey PhysicalKey(string projection, long generation, ViewKey logical) =>
        new(PhysicalPartition(projection, generation, logical.Partition), logical.Sort);

    public static string GenerationPrefix(string projection, long generation) =>
        $"{projection}#{generation.ToString(CultureInfo.InvariantCulture)}#";

    /// <summary>The logical partition of a physical one of this projection and generation.</summary>
    public static string LogicalPartition(string projection, long generation, string physicalPartition) =>
        physicalPartition[GenerationPrefix(projection, generation).Length..];

    public async ValueTask<long> ActiveAsync(string projection, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_active.TryGetValue(projection, out var cached) && now - cached.ReadAt < Ttl) return cached.Generation;
        var stored = await views.GetValueAsync(PointerName(projection), ct);
        var generation = stored is null ? 1 : long.Parse(stored, CultureInfo.InvariantCulture);
        _active[projection] = (generation, now);
        return generation;
    }

    /// <summary>Forget cached pointers so the next read sees a flip made by another process.</summary>
    public void Refresh() => _active.Clear();

    public async Task FlipAsync(string projection, long generation, CancellationToken ct)
    {
        await views.SetValueAsync(PointerName(projection), generation.ToString(CultureInfo.InvariantCulture), ct);
        _active[projection] = (generation, time.GetUtcNow());
    }
}
