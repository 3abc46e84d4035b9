using CsCheck;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;

namespace EventBot.Domain.Tests.Remember;

/// <summary>Decisions emit only when state would change: deciding the same command on the result emits nothing.</summary>
public class RememberIdempotencyTests
{
    // One stream is one key; spellings vary because matching must not care.
    private static readonly Gen<MemoryKey> Key = Gen.OneOfConst("Colour", "colour", " COLOUR  ").Select(MemoryKey.Parse);
    private static readonly Gen<string> Value = Gen.OneOfConst("blue", "red", "Blue", "green\nish");

    private static readonly Gen<RememberCommand> AnyCommand = Gen.OneOf<RememberCommand>(
        Gen.Select(Key, Value, (k, v) => (RememberCommand)new RememberCommand.Remember(k, v)),
        Key.Select(k => (RememberCommand)new RememberCommand.Forget(k)),
        Gen.Select(Key, Gen.Long[1, 9], Value.Null(), (k, version, v) => (RememberCommand)new RememberCommand.Restore(k, version, v)));

    private static readonly Gen<RememberCommand> SettingCommand = Gen.OneOf<RememberCommand>(
        Gen.Select(Key, Value, (k, v) => (RememberCommand)new RememberCommand.Remember(k, v)),
        Gen.Select(Key, Gen.Long[1, 9], Value, (k, version, v) => (RememberCommand)new RememberCommand.Restore(k, version, v)));

    private static Memory Apply(Memory state, RememberCommand command) =>
        RememberDecider.Decide(command, state) is Decision<RememberEvent>.Accepted accepted
            ? accepted.Events.Aggregate(state, Memory.Evolve)
            : state;

    [Fact]
    public void DecidingTheSameRememberOrRestoreTwiceEmitsNothingTheSecondTime() =>
        Gen.Select(AnyCommand.Array[0, 12], SettingCommand).Sample((history, command) =>
        {
            var state = history.Aggregate(Memory.Initial, Apply);
            var first = Assert.IsType<Decision<RememberEvent>.Accepted>(RememberDecider.Decide(command, state));
            var after = first.Events.Aggregate(state, Memory.Evolve);
            var second = Assert.IsType<Decision<RememberEvent>.Accepted>(RememberDecider.Decide(command, after));
            Assert.Empty(second.Events);
        });
}
