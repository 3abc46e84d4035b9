using EventBot.Discord.Interactions;

namespace EventBot.Bot.Interactions;

/// <summary>
/// Turns an interaction into its responses, whatever carried it (the gateway, the HTTP endpoint, the Lambda worker).
/// The interaction id is the idempotency key: handling the same interaction again appends nothing and answers the
/// first outcome.
/// </summary>
public interface IInteractionHandler
{
    /// <summary>
    /// Starts the interaction and returns within the acknowledgement budget. <see cref="InteractionStart.First"/> is the
    /// callback to send: the final answer (type 1, 4, 7 or 8) when it was ready in time, else a deferral (type 5 or 6)
    /// and <see cref="InteractionStart.Completion"/> yields the message that replaces <c>@original</c>.
    /// </summary>
    Task<InteractionStart> StartAsync(DiscordInteraction interaction, CancellationToken ct);

    /// <summary>Runs the interaction to its end without a budget (the queue worker, after a host answered type 5).</summary>
    Task<InteractionMessage> CompleteAsync(DiscordInteraction interaction, CancellationToken ct);
}

/// <summary>The first callback and, when it was a deferral, the work still running.</summary>
public sealed record InteractionStart(InteractionResponse First, Task<InteractionMessage>? Completion);
