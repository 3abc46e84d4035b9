using System.Globalization;
using EventBot.Domain.Common;

namespace EventBot.Domain.Sparkle;

using static SparkleEvent;

public abstract record SparkleCommand
{
    private SparkleCommand() { }

    /// <summary>
    /// <paramref name="Giver"/> thanks <paramref name="Target"/>. <paramref name="At"/> and <paramref name="Cooldown"/>
    /// arrive as data (the handler's clock and options), so the decision is pure. <paramref name="Reason"/> is raw
    /// text: the decider validates it with <see cref="SparkleReason"/>.
    /// </summary>
    public sealed record Give(
        Actor Giver,
        UserId Target,
        string TargetName,
        bool TargetIsBot,
        string? Reason,
        DateTimeOffset At,
        TimeSpan Cooldown) : SparkleCommand;
}

public static class SparkleDecider
{
    public const string SelfSparkle = "self-sparkle";
    public const string BotTarget = "bot-target";
    public const string InvalidReason = "invalid-reason";
    public const string Cooldown = "cooldown";

    public static Decision<SparkleEvent> Decide(SparkleCommand command, Sparkles state) => command switch
    {
        SparkleCommand.Give c => Give(c, state),
        _ => throw new InvalidOperationException($"Unhandled command {command.GetType().Name}"),
    };

    private static Decision<SparkleEvent> Give(SparkleCommand.Give give, Sparkles state)
    {
        if (give.Cooldown < TimeSpan.Zero || give.Cooldown > Sparkles.Horizon)
            throw new ArgumentOutOfRangeException(nameof(give), give.Cooldown, $"A sparkle cooldown must be between 0 and {Sparkles.Horizon}: the state forgets givers after that.");
        if (give.Giver.Id == give.Target)
            return Decision<SparkleEvent>.Reject(SelfSparkle, "you can't sparkle yourself");
        if (give.TargetIsBot)
            return Decision<SparkleEvent>.Reject(BotTarget, $"{give.TargetName} is a bot: sparkles are for people");
        var reason = SparkleReason.Create(give.Reason);
        if (!reason.IsValid)
            return Decision<SparkleEvent>.Reject(InvalidReason, reason.Error!);
        if (state is Sparkles.Received r && r.LastFrom(give.Giver.Id) is { } last && give.At - last < give.Cooldown)
        {
            // A clock that went backwards must not promise a wait longer than the cooldown itself.
            var elapsed = give.At - last;
            var wait = elapsed < TimeSpan.Zero ? give.Cooldown : give.Cooldown - elapsed;
            return Decision<SparkleEvent>.Reject(Cooldown, $"you sparkled {give.TargetName} recently: wait {Describe(wait)}");
        }
        return Decision<SparkleEvent>.Accept(new SparkleGiven(give.Giver.Id.Value, give.Giver.DisplayName, give.Target.Value, give.TargetName, reason.Value?.Text, give.At));
    }

    /// <summary>"42 s", "3 min 5 s", "2 h 10 min": rounded up, so waiting that long is always enough.</summary>
    public static string Describe(TimeSpan wait)
    {
        var seconds = (long)Math.Ceiling(wait.TotalSeconds);
        var inv = CultureInfo.InvariantCulture;
        return seconds switch
        {
            < 60 => string.Create(inv, $"{seconds} s"),
            < 3600 => seconds % 60 == 0 ? string.Create(inv, $"{seconds / 60} min") : string.Create(inv, $"{seconds / 60} min {seconds % 60} s"),
            _ => string.Create(inv, $"{(seconds + 59) / 60 / 60} h {(seconds + 59) / 60 % 60} min"),
        };
    }
}
