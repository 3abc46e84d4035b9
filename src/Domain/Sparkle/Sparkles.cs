using System.Collections.Immutable;
using EventBot.Domain.Common;

namespace EventBot.Domain.Sparkle;

using static SparkleEvent;

/// <summary>
/// What one receiver's stream knows: how many sparkles arrived, and when each recent giver last gave one
/// (for the cooldown). Reasons are not kept: read models display them.
/// </summary>
public abstract record Sparkles
{
    /// <summary>The longest cooldown the state can enforce: older giver times are dropped.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(1);

    /// <summary>
    /// Hard cap on remembered givers, so the state stays small whatever happens. Evicting the oldest entry can
    /// only make a cooldown lenient, never wrongly strict.
    /// </summary>
    public const int MaxTrackedGivers = 500;

    private Sparkles() { }

    public abstract int Total { get; }

    /// <summary>Never sparkled: the next one is their first.</summary>
    public sealed record None : Sparkles
    {
        public override int Total => 0;
    }

    /// <summary>Has received <paramref name="Count"/> sparkles; <paramref name="LastByGiver"/> holds recent givers only.</summary>
    public sealed record Received(int Count, ImmutableDictionary<UserId, DateTimeOffset> LastByGiver) : Sparkles
    {
        public override int Total => Count;

        public DateTimeOffset? LastFrom(UserId giver) => LastByGiver.TryGetValue(giver, out var at) ? at : null;
    }

    public static readonly Sparkles Initial = new None();

    public static Sparkles Evolve(Sparkles state, SparkleEvent @event) => (state, @event) switch
    {
        (Received r, SparkleGiven e) => new Received(r.Count + 1, Track(r.LastByGiver, e)),
        (_, SparkleGiven e) => new Received(1, Track(ImmutableDictionary<UserId, DateTimeOffset>.Empty, e)),
        _ => state,
    };

    public static Sparkles Fold(IEnumerable<SparkleEvent> events) => events.Aggregate(Initial, Evolve);

    /// <summary>
    /// The count and the recent givers as stored beside the receiver's stream, so a sparkle loads one item instead of
    /// every sparkle ever given. Giver times keep their full precision, so cooldowns decide exactly as after a fold.
    /// </summary>
    public static readonly StateCodec<Sparkles> Unfold = new("Sparkles", 1,
        state => System.Text.Json.JsonSerializer.Serialize(state switch
        {
            Received r => new Stored(r.Count, r.LastByGiver.ToDictionary(p => p.Key.ToString(), p => p.Value, StringComparer.Ordinal)),
            _ => new Stored(0, []),
        }, UnfoldJson),
        json => System.Text.Json.JsonSerializer.Deserialize<Stored>(json, UnfoldJson) switch
        {
            null => throw new System.Text.Json.JsonException("An empty Sparkles unfold."),
            { Count: 0 } => Initial,
            var s => new Received(s.Count, s.Givers.ToImmutableDictionary(p => UserId.Parse(p.Key), p => p.Value)),
        });

    private sealed record Stored(int Count, Dictionary<string, DateTimeOffset> Givers);

    private static readonly System.Text.Json.JsonSerializerOptions UnfoldJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    private static ImmutableDictionary<UserId, DateTimeOffset> Track(ImmutableDictionary<UserId, DateTimeOffset> last, SparkleGiven e)
    {
        // An event without a decision time (none are written so) still counts, but cannot start a cooldown.
        if (e.At is not { } at) return last;
        var giver = new UserId(e.GiverId);
        var tracked = last.SetItem(giver, last.TryGetValue(giver, out var before) && before > at ? before : at);
        var stale = tracked.Where(p => p.Value < at - Horizon).Select(p => p.Key);
        tracked = tracked.RemoveRange(stale);
        if (tracked.Count > MaxTrackedGivers)
            tracked = tracked.RemoveRange(tracked.OrderBy(p => p.Value).Take(tracked.Count - MaxTrackedGivers).Select(p => p.Key));
        return tracked;
    }
}
