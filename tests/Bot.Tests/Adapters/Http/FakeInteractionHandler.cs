using System.Collections.Concurrent;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>
/// Stands in for the slash-command handler until it exists on main: answers what <see cref="Start"/> says, counts runs
/// per interaction id, and answers a second <see cref="CompleteAsync"/> of an id with its first outcome.
/// </summary>
public sealed class FakeInteractionHandler : IInteractionHandler
{
    private readonly ConcurrentDictionary<string, InteractionMessage> _outcomes = new(StringComparer.Ordinal);

    public ConcurrentQueue<DiscordInteraction> Started { get; } = new();

    public ConcurrentQueue<DiscordInteraction> Completed { get; } = new();

    /// <summary>Default: type 4 with "done: {name}".</summary>
    public Func<DiscordInteraction, InteractionStart> Start { get; set; } = i =>
        new InteractionStart(new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage($"done: {i.Data?.Name}")), null);

    public Func<DiscordInteraction, InteractionMessage> Complete { get; set; } = i => new InteractionMessage($"completed: {i.Data?.Name}");

    public Task<InteractionStart> StartAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        Started.Enqueue(interaction);
        return Task.FromResult(Start(interaction));
    }

    public Task<InteractionMessage> CompleteAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        Completed.Enqueue(interaction);
        return Task.FromResult(_outcomes.GetOrAdd(interaction.Id, _ => Complete(interaction)));
    }
}

/// <summary>Records what the worker sends to Discord's interaction endpoints.</summary>
public sealed class RecordingDiscordInteractions : IDiscordInteractions
{
    public ConcurrentQueue<(string ApplicationId, string Token, InteractionMessage Message)> Edits { get; } = new();

    public TaskCompletionSource FirstEdit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task RespondAsync(DiscordInteraction interaction, InteractionResponse response, CancellationToken ct) =>
        throw new InvalidOperationException("An HTTP interaction is answered in the HTTP response, never with a callback request.");

    /// <summary>Edits that fail (as a 5xx that outlasted the REST retries) before the next one succeeds.</summary>
    public int FailNext { get; set; }

    public Task EditOriginalAsync(string applicationId, string token, InteractionMessage message, CancellationToken ct)
    {
        if (FailNext > 0)
        {
            FailNext--;
            throw new EventBot.Discord.DiscordRestException("PATCH @original failed with 503", 503);
        }
        Edits.Enqueue((applicationId, token, message));
        FirstEdit.TrySetResult();
        return Task.CompletedTask;
    }

    public Task FollowUpAsync(string applicationId, string token, InteractionMessage message, CancellationToken ct) => Task.CompletedTask;
}
