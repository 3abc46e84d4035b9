using EventBot.Domain.Common;
using EventBot.Domain.Sparkle;
using static EventBot.Domain.Sparkle.SparkleEvent;

namespace EventBot.Domain.Tests.Sparkle;

public class SparkleDeciderTests
{
    private static readonly Spec<SparkleCommand, Sparkles, SparkleEvent> Spec = new(Sparkles.Initial, Sparkles.Evolve, SparkleDecider.Decide);

    private static readonly Actor Alice = new(new UserId(1), "Alice");
    private static readonly Actor Carol = new(new UserId(3), "Carol");
    private static readonly UserId Bob = new(2);
    private static readonly UserId Robot = new(9);
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);

    private static SparkleCommand.Give Give(Actor giver, DateTimeOffset at, string? reason = null, UserId? target = null, bool bot = false) =>
        new(giver, target ?? Bob, target == Robot ? "Robot" : "Bob", bot, reason, at, Minute);

    private static SparkleGiven Given(Actor giver, DateTimeOffset at, string? reason = null) =>
        new(giver.Id.Value, giver.DisplayName, Bob.Value, "Bob", reason, at);

    [Fact]
    public void GivenNoSparkles_WhenAliceSparklesBob_ThenSparkleGiven() =>
        Spec.Given().When(Give(Alice, Noon, "for the review")).Then(Given(Alice, Noon, "for the review"));

    [Fact]
    public void GivenNoSparkles_ThenTheNextIsTheFirst_AndAfterItTheTotalIsOne()
    {
        var scenario = Spec.Given();
        Assert.IsType<Sparkles.None>(scenario.State);
        Assert.Equal(0, scenario.State.Total);

        var after = scenario.When(Give(Alice, Noon)).Then(Given(Alice, Noon));
        Assert.Equal(1, after.Total);
    }

    [Fact]
    public void GivenTwoSparkles_ThenTheTotalIsTwo_AndTheNextIsNotTheFirst() =>
        Assert.Equal(2, Spec.Given(Given(Alice, Noon), Given(Carol, Noon)).State.Total);

    [Fact]
    public void WhenAliceSparklesHerself_ThenRejectedSelfSparkle() =>
        Spec.Given().When(Give(Alice, Noon, target: Alice.Id)).ThenRejected(SparkleDecider.SelfSparkle);

    [Fact]
    public void WhenAliceSparklesABot_ThenRejectedBotTarget()
    {
        var rejected = Spec.Given().When(Give(Alice, Noon, target: Robot, bot: true)).ThenRejected(SparkleDecider.BotTarget);
        Assert.Contains("Robot", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAliceSparkledBob_When59SecondsLater_ThenRejectedWithTheWait()
    {
        var rejected = Spec.Given(Given(Alice, Noon)).When(Give(Alice, Noon.AddSeconds(59))).ThenRejected(SparkleDecider.Cooldown);
        Assert.Contains("wait 1 s", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAliceSparkledBob_When18SecondsLater_ThenToldToWait42Seconds() =>
        Assert.EndsWith("wait 42 s", Spec.Given(Given(Alice, Noon)).When(Give(Alice, Noon.AddSeconds(18))).ThenRejected(SparkleDecider.Cooldown).Reason, StringComparison.Ordinal);

    [Fact]
    public void GivenAliceSparkledBob_When60SecondsLater_ThenSparkleGiven() =>
        Spec.Given(Given(Alice, Noon)).When(Give(Alice, Noon.AddSeconds(60))).Then(Given(Alice, Noon.AddSeconds(60)));

    [Fact]
    public void GivenAliceSparkledBob_WhenCarolSparklesBobAtOnce_ThenSparkleGiven() =>
        Spec.Given(Given(Alice, Noon)).When(Give(Carol, Noon.AddSeconds(1))).Then(Given(Carol, Noon.AddSeconds(1)));

    [Fact]
    public void GivenAliceSparkledBobTwice_WhenTheCooldownRunsFromTheLatest_ThenRejected() =>
        Spec.Given(Given(Alice, Noon), Given(Alice, Noon.AddMinutes(5)))
            .When(Give(Alice, Noon.AddMinutes(5).AddSeconds(30)))
            .ThenRejected(SparkleDecider.Cooldown);

    [Fact]
    public void GivenTheClockWentBackwards_ThenTheWaitIsNeverLongerThanTheCooldown() =>
        Assert.EndsWith("wait 1 min", Spec.Given(Given(Alice, Noon)).When(Give(Alice, Noon.AddSeconds(-30))).ThenRejected(SparkleDecider.Cooldown).Reason, StringComparison.Ordinal);

    [Fact]
    public void WhenTheReasonIs100Characters_ThenSparkleGiven()
    {
        var reason = new string('x', 100);
        Spec.Given().When(Give(Alice, Noon, reason)).Then(Given(Alice, Noon, reason));
    }

    [Fact]
    public void WhenTheReasonIs101Characters_ThenRejectedInvalidReason() =>
        Spec.Given().When(Give(Alice, Noon, new string('x', 101))).ThenRejected(SparkleDecider.InvalidReason);

    [Fact]
    public void WhenTheReasonIsPaddedAndSpansLines_ThenItIsStoredTrimmedOnOneLine() =>
        Spec.Given().When(Give(Alice, Noon, "  thanks\nfor   that  ")).Then(Given(Alice, Noon, "thanks for that"));

    [Fact]
    public void WhenTheReasonIsBlank_ThenSparkleGivenWithoutReason() =>
        Spec.Given().When(Give(Alice, Noon, "   ")).Then(Given(Alice, Noon, null));

    [Fact]
    public void WhenTheCooldownIsBeyondWhatStateRemembers_ThenTheConfigurationIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SparkleDecider.Decide(Give(Alice, Noon) with { Cooldown = Sparkles.Horizon + TimeSpan.FromSeconds(1) }, Sparkles.Initial));
}
