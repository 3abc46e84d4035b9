using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;
using Mediator;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Features.Sparkle;

/// <summary><c>.sparkle @user [for|because &lt;reason&gt;]</c>: one sparkle to that user in this server.</summary>
public static class GiveSparkle
{
    public sealed record Command(ChatMessage Chat, ChatUser Target, string? Reason) : ICommand<Reply>, IGuildScoped, IValidate
    {
        public string? Validate() => SparkleReason.Create(Reason).Error;
    }

    public sealed class Handler(AggregateService aggregates, SparkleConsistency consistency, TimeProvider time, IOptions<BotOptions> options)
        : ICommandHandler<Command, Reply>
    {
        public async ValueTask<Reply> Handle(Command command, CancellationToken cancellationToken)
        {
            var (guild, target) = (command.Chat.Guild!.Value, command.Target);
            var give = new SparkleCommand.Give(command.Chat.Actor, target.Id, target.DisplayName, target.IsBot, command.Reason,
                time.GetUtcNow(), TimeSpan.FromSeconds(options.Value.SparkleCooldownSeconds));
            var outcome = await aggregates.HandleAsync<Sparkles, SparkleEvent>(
                new StreamName(SparkleStream.For(guild, target.Id)), Sparkles.Initial, Sparkles.Evolve,
                state => SparkleDecider.Decide(give, state), command.Chat, cancellationToken);

            return outcome switch
            {
                CommandOutcome<Sparkles, SparkleEvent>.Appended { Events: [SparkleEvent.SparkleGiven e] } a =>
                    await consistency.AfterWriteAsync(guild, e, a.Version, Given(e, a.Before.Total + 1), cancellationToken),
                CommandOutcome<Sparkles, SparkleEvent>.AlreadyHandled => Reply.Of("Already sparkled (this message was handled before)."),
                CommandOutcome<Sparkles, SparkleEvent>.Rejected r => Reply.Of($"⚠️ {r.Reason}"),
                _ => throw new InvalidOperationException($"Unexpected outcome {outcome}"),
            };
        }

        private static string Given(SparkleEvent.SparkleGiven e, int total)
        {
            var why = e.Reason is null ? "" : $" for “{e.Reason}”";
            return total == 1
                ? $"✨ {e.GiverName} sparkled {e.TargetName}{why}: first sparkle! 🎉"
                : $"✨ {e.GiverName} sparkled {e.TargetName}{why}: {e.TargetName} now has {total} sparkles.";
        }
    }
}
