using EventBot.Domain.Common;

namespace EventBot.Domain.Remember;

using static RememberEvent;

public abstract record RememberCommand
{
    private RememberCommand() { }

    public abstract MemoryKey Key { get; init; }

    public sealed record Remember(MemoryKey Key, string Value) : RememberCommand;

    public sealed record Forget(MemoryKey Key) : RememberCommand;

    /// <summary>Bring back the value the key held at <paramref name="Version"/>; <paramref name="ValueThen"/> is read by the handler from the stream.</summary>
    public sealed record Restore(MemoryKey Key, long Version, string? ValueThen) : RememberCommand;
}

public static class RememberDecider
{
    public const string NothingRemembered = "nothing-remembered";
    public const string NothingAtVersion = "nothing-at-version";

    public static Decision<RememberEvent> Decide(RememberCommand command, Memory state) => (command, state) switch
    {
        (RememberCommand.Remember c, Memory.Holding h) when h.Value == c.Value => Decision<RememberEvent>.Nothing(),
        (RememberCommand.Remember c, Memory.Holding h) => Decision<RememberEvent>.Accept(new ValueRemembered(h.Key, c.Value, h.Value)),
        (RememberCommand.Remember c, _) => Decision<RememberEvent>.Accept(new ValueRemembered(c.Key.Display, c.Value, null)),

        (RememberCommand.Forget, Memory.Holding h) => Decision<RememberEvent>.Accept(new ValueForgotten(h.Key, h.Value)),
        (RememberCommand.Forget c, _) => Decision<RememberEvent>.Reject(NothingRemembered, $"nothing remembered for `{c.Key.Display}`"),

        (RememberCommand.Restore c, _) when c.ValueThen is null =>
            Decision<RememberEvent>.Reject(NothingAtVersion, $"`{c.Key.Display}` held no value at version {c.Version}"),
        (RememberCommand.Restore c, Memory.Holding h) when h.Value == c.ValueThen => Decision<RememberEvent>.Nothing(),
        (RememberCommand.Restore c, Memory.Holding h) => Decision<RememberEvent>.Accept(new ValueRestored(h.Key, c.ValueThen!, h.Value, c.Version)),
        (RememberCommand.Restore c, _) => Decision<RememberEvent>.Accept(new ValueRestored(c.Key.Display, c.ValueThen!, null, c.Version)),

        _ => throw new InvalidOperationException($"Unhandled command {command.GetType().Name}"),
    };
}
