using CsCheck;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;

namespace EventBot.Domain.Tests.Common;

/// <summary>
/// Loading a state from what is stored beside the stream decides exactly like folding the whole stream (issue 19):
/// for any stream and any point where the unfold was written, the unfold read back and folded with the events after
/// it equals the fold of every event; and a remember stream's newest event alone is its state.
/// </summary>
public class UnfoldPropertyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<PlayEvent> Game = Gen.Select(Gen.Enum<Game>(), Gen.Enum<GameResult>(), Gen.Int[0, 1_000_000], (game, result, seconds) =>
        (PlayEvent)new PlayEvent.GamePlayed(game, "x", null, null, null, null, result, Start.AddSeconds(seconds)));

    // Few givers and times within a few days, so cooldown entries expire past the horizon and come back; odd ticks and
    // offsets, so a lossy time format would show; now and then no decision time at all.
    private static readonly Gen<SparkleEvent> Sparkle = Gen.Select(Gen.ULong[1, 12], Gen.Long[0, TimeSpan.TicksPerDay * 3], Gen.Int[0, 9], (giver, ticks, kind) =>
        (SparkleEvent)new SparkleEvent.SparkleGiven(giver, "g", 99, "t", null,
            kind == 0 ? null : new DateTimeOffset(Start.UtcTicks + ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromHours(kind - 5))));

    [Fact]
    public void Player_stats_from_an_unfold_and_the_tail_equal_the_full_fold() =>
        Game.Array[0, 60].Select(Gen.Int[0, 60], (events, cut) => (events, Math.Min(cut, events.Length))).Sample(t =>
        {
            var (events, cut) = t;
            var stored = PlayerStats.Unfold.Encode(PlayerStats.Fold(events[..cut]));
            var loaded = events[cut..].Aggregate(PlayerStats.Unfold.Decode(stored), PlayerStats.Evolve);
            Assert.Equal(PlayerStats.Fold(events), loaded);
        });

    [Fact]
    public void Sparkles_from_an_unfold_and_the_tail_equal_the_full_fold() =>
        Sparkle.Array[0, 40].Select(Gen.Int[0, 40], (events, cut) => (events, Math.Min(cut, events.Length))).Sample(t =>
        {
            var (events, cut) = t;
            var stored = Sparkles.Unfold.Encode(Sparkles.Fold(events[..cut]));
            var loaded = events[cut..].Aggregate(Sparkles.Unfold.Decode(stored), Sparkles.Evolve);
            Assert.Equal(Describe(Sparkles.Fold(events)), Describe(loaded));
        });

    [Fact]
    public void A_sparkles_unfold_keeps_the_exact_instant_of_every_giver()
    {
        var at = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var state = Sparkles.Evolve(Sparkles.Initial, new SparkleEvent.SparkleGiven(7, "g", 99, "t", null, at));

        var loaded = Assert.IsType<Sparkles.Received>(Sparkles.Unfold.Decode(Sparkles.Unfold.Encode(state)));

        Assert.Equal(at.UtcTicks, loaded.LastFrom(new UserId(7))!.Value.UtcTicks);
        Assert.IsType<Sparkles.None>(Sparkles.Unfold.Decode(Sparkles.Unfold.Encode(Sparkles.Initial)));
    }

    private static readonly Gen<MemoryKey> Key = Gen.OneOfConst("Colour", "colour", " COLOUR  ").Select(MemoryKey.Parse);
    private static readonly Gen<string> Value = Gen.OneOfConst("blue", "red", "Blue");

    private static readonly Gen<RememberCommand> Command = Gen.OneOf<RememberCommand>(
        Gen.Select(Key, Value, (k, v) => (RememberCommand)new RememberCommand.Remember(k, v)),
        Key.Select(k => (RememberCommand)new RememberCommand.Forget(k)),
        Gen.Select(Key, Gen.Long[1, 9], Value.Null(), (k, version, v) => (RememberCommand)new RememberCommand.Restore(k, version, v)));

    [Fact]
    public void The_newest_remember_event_alone_is_the_state_of_every_stream_the_decider_writes() =>
        Command.Array[1, 20].Sample(commands =>
        {
            var (state, events) = (Memory.Initial, new List<RememberEvent>());
            foreach (var command in commands)
            {
                if (RememberDecider.Decide(command, state) is not Decision<RememberEvent>.Accepted accepted) continue;
                events.AddRange(accepted.Events);
                state = accepted.Events.Aggregate(state, Memory.Evolve);
                Assert.Equal(Memory.Fold(events), Memory.After(events[^1]));
            }
        });

    private static string Describe(Sparkles state) => state switch
    {
        Sparkles.Received r => $"{r.Count}:" + string.Join(',', r.LastByGiver.OrderBy(p => p.Key.Value).Select(p => $"{p.Key}={p.Value.UtcTicks}")),
        _ => "none",
    };
}
