using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.Projections.Remember;
using Appended = EventBot.Bot.Pipeline.CommandOutcome<EventBot.Domain.Remember.Memory, EventBot.Domain.Remember.RememberEvent>.Appended;

namespace EventBot.Bot.Features.Remember;

/// <summary>How the remember family reads in chat.</summary>
public static class RememberReplies
{
    public static Reply Remembered(Appended a) => a.Event<RememberEvent.ValueRemembered>() switch
    {
        { PreviousValue: { } previous } e => Reply.Of($"Updated {Md.Code(e.Key)}: {Md.Text(e.Value)}\n(was: {Md.Text(previous)})"),
        var e => Reply.Of($"Remembered {Md.Code(e.Key)}: {Md.Text(e.Value)}"),
    };

    public static Reply AlreadyHolds(Memory state, MemoryKey key, MemoryValue value) =>
        state is Memory.Holding h ? Reply.Of($"{Md.Code(h.Key)} is already {Md.Text(h.Value)}") : Reply.Of($"{Md.Code(key.Display)} is already {Md.Text(value.Text)}");

    public static Reply Forgot(Appended a)
    {
        var e = a.Event<RememberEvent.ValueForgotten>();
        return Reply.Of($"Forgot {Md.Code(e.Key)} (was: {Md.Text(e.PreviousValue)})");
    }

    public static Reply NothingToForget(MemoryKey key) => Reply.Of($"Nothing remembered for {Md.Code(key.Display)}");

    public static Reply Restored(Appended a)
    {
        var e = a.Event<RememberEvent.ValueRestored>();
        return Reply.Of($"Restored {Md.Code(e.Key)} to {Md.Text(e.Value)} from v{e.FromVersion}" + (e.PreviousValue is { } p ? $"\n(was: {Md.Text(p)})" : " (it had been forgotten)"));
    }

    public static Reply AlreadyRestored(Memory state, MemoryKey key) =>
        state is Memory.Holding h ? Reply.Of($"{Md.Code(h.Key)} already is {Md.Text(h.Value)}; nothing to restore.") : Reply.Of($"{Md.Code(key.Display)} has nothing to restore.");

    public static Reply Recalled(MemoryKey key, RememberedValue? row) => row switch
    {
        { Live: true, Value: Domain.Common.Erased.Value } v => Reply.Of($"{Md.Code(v.Key)} holds a value that was redacted (v{v.Version}); it cannot be shown. See `.remember history {key.Display}`."),
        { Live: true } v => Reply.Of($"{Md.Code(v.Key)} is {Md.Text(v.Value!)}"),
        { } forgotten => Reply.Of($"Nothing remembered for {Md.Code(key.Display)} (forgotten by {forgotten.UpdatedBy} on {Md.When(forgotten.UpdatedAt)}; see `.remember history {key.Display}`)"),
        null => Reply.Of($"Nothing remembered for {Md.Code(key.Display)}"),
    };

    /// <param name="last">The newest event at or before <paramref name="at"/>; null when there is none.</param>
    /// <param name="first">When <paramref name="last"/> is null: the key's first event (null when the key has none).</param>
    public static Reply AsOf(MemoryKey key, DateTimeOffset at, EventEnvelope? last, EventEnvelope? first, Func<EventEnvelope, RememberEvent> decode)
    {
        if (last is null && first is null) return Reply.Of($"Nothing was ever remembered for {Md.Code(key.Display)} in this server.");
        if (last is null)
            return Reply.Of($"{Md.Code(key.Display)} was first remembered on {Md.When(first!.RecordedAt)}, after {Md.When(at)}: it had no value then.");
        return Memory.After(decode(last)) switch
        {
            Memory.Holding { Value: Domain.Common.Erased.Value } h => Reply.Of(Md.Error($"as of {Md.When(at)}, {h.Key} held a value that was redacted; it cannot be shown")),
            Memory.Holding h => Reply.Of($"As of {Md.When(at)}, {Md.Code(h.Key)} was {Md.Text(h.Value)}\n(v{last.Version}, by {last.ActorName} on {Md.When(last.RecordedAt)})"),
            Memory.Forgotten f => Reply.Of($"As of {Md.When(at)}, {Md.Code(f.Key)} was forgotten (v{last.Version}, by {last.ActorName} on {Md.When(last.RecordedAt)}; it had been {Md.Text(f.LastValue)})"),
            _ => Reply.Of($"As of {Md.When(at)}, {Md.Code(key.Display)} had no value."),
        };
    }
}
