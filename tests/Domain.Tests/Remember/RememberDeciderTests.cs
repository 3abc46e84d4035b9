using EventBot.Domain.Remember;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Domain.Tests.Remember;

public class RememberDeciderTests
{
    private static readonly Spec<RememberCommand, Memory, RememberEvent> Spec = new(Memory.Initial, Memory.Evolve, RememberDecider.Decide);

    private static RememberCommand.Remember Remember(string key, string value) => new(MemoryKey.Parse(key), value);

    private static RememberCommand.Forget Forget(string key) => new(MemoryKey.Parse(key));

    private static RememberCommand.Restore Restore(string key, long version, string? valueThen) => new(MemoryKey.Parse(key), version, valueThen);

    [Fact]
    public void GivenBlankKey_WhenRemember_ThenValueRemembered() =>
        Spec.Given().When(Remember("Colour", "blue")).Then(new ValueRemembered("Colour", "blue", null));

    [Fact]
    public void GivenHoldingKey_WhenRememberAnotherValue_ThenValueRememberedWithThePreviousValue_KeepingTheFirstDisplay() =>
        Spec.Given(new ValueRemembered("Colour", "blue", null))
            .When(Remember("  COLOUR ", "red"))
            .Then(new ValueRemembered("Colour", "red", "blue"));

    [Fact]
    public void GivenHoldingKey_WhenRememberTheSameValue_ThenNothing() =>
        Spec.Given(new ValueRemembered("Colour", "blue", null)).When(Remember("colour", "blue")).ThenNothing();

    [Fact]
    public void GivenHoldingKey_WhenForget_ThenValueForgotten() =>
        Spec.Given(new ValueRemembered("Colour", "blue", null)).When(Forget("colour")).Then(new ValueForgotten("Colour", "blue"));

    [Fact]
    public void GivenBlankKey_WhenForget_ThenRejectedNothingRemembered() =>
        Spec.Given().When(Forget("Colour")).ThenRejected(RememberDecider.NothingRemembered);

    [Fact]
    public void GivenForgottenKey_WhenForget_ThenRejectedNothingRemembered() =>
        Spec.Given(new ValueRemembered("Colour", "blue", null), new ValueForgotten("Colour", "blue"))
            .When(Forget("Colour"))
            .ThenRejected(RememberDecider.NothingRemembered);

    [Fact]
    public void GivenForgottenKey_WhenRememberWithANewSpelling_ThenTheKeyStartsAfresh() =>
        Spec.Given(new ValueRemembered("Colour", "blue", null), new ValueForgotten("Colour", "blue"))
            .When(Remember("COLOUR", "green"))
            .Then(new ValueRemembered("COLOUR", "green", null));

    [Fact]
    public void GivenHoldingKey_WhenRestoreAnOlderValue_ThenValueRestored() =>
        Spec.Given(new ValueRemembered("Colour", "blue", null), new ValueRemembered("Colour", "red", "blue"))
            .When(Restore("colour", 1, "blue"))
            .Then(new ValueRestored("Colour", "blue", "red", 1));

    [Fact]
    public void GivenForgottenKey_WhenRestore_ThenValueRestoredWithoutPreviousValue() =>
        Spec.Given(new ValueRemembered("Colour", "blue", null), new ValueForgotten("Colour", "blue"))
            .When(Restore("colour", 1, "blue"))
            .Then(new ValueRestored("colour", "blue", null, 1));

    [Fact]
    public void GivenHoldingKey_WhenRestoreTheValueItHolds_ThenNothing() =>
        Spec.Given(new ValueRemembered("Colour", "blue", null)).When(Restore("Colour", 1, "blue")).ThenNothing();

    [Fact]
    public void WhenRestoreAVersionWithoutValue_ThenRejectedNothingAtVersion() =>
        Spec.Given(new ValueRemembered("Colour", "blue", null), new ValueForgotten("Colour", "blue"))
            .When(Restore("Colour", 2, null))
            .ThenRejected(RememberDecider.NothingAtVersion);
}
