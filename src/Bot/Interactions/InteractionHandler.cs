using EventBot.Bot.Chat;
using EventBot.Bot.Features.Privacy;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Hosting;
using EventBot.Bot.Parsing;
using EventBot.Discord.Interactions;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Interactions;

/// <summary>
/// The one interaction path, whatever carried the interaction (the gateway, the console, later the HTTP endpoint):
/// PING → Pong; autocomplete → choices (type 8) from read models; a command or a page button → the same validated
/// request the prefix parser builds (<see cref="SlashBinding"/>, <see cref="PageCursor"/>), run through the same
/// pipeline on its server's lane (<see cref="GuildLanes"/>: a server's commands in order, prefix or slash alike).
/// The answer is type 4 (type 7 for a button) when it is ready within <c>EVENTBOT_INTERACTION_BUDGET_MS</c>, else
/// type 5 (6) and the answer follows as <see cref="InteractionStart.Completion"/>; an answer with a file (an export)
/// always follows that way, since the file travels with the edit of <c>@original</c>. The interaction id is the idempotency
/// key, so a command run twice (a redelivery, the queue worker) appends once and answers its first outcome.
/// </summary>
public sealed class InteractionHandler(
    ChatBot bot,
    Autocomplete autocomplete,
    ReadModels readModels,
    GuildLanes lanes,
    IOptions<BotOptions> options,
    TimeProvider time) : IInteractionHandler
{
    public const string Discord = "discord";

    public Task<InteractionStart> StartAsync(DiscordInteraction interaction, CancellationToken ct) => StartAsync(interaction, Discord, ct);

    /// <param name="platform">Prefixes the idempotency key (<c>discord</c>, <c>console</c>), as for prefix messages.</param>
    public async Task<InteractionStart> StartAsync(DiscordInteraction interaction, string platform, CancellationToken ct)
    {
        switch (interaction.Type)
        {
            case InteractionType.Ping:
                return new InteractionStart(InteractionResponse.Pong, null);
            case InteractionType.ApplicationCommandAutocomplete:
                var choices = await autocomplete.SuggestAsync(interaction, ct);
                return new InteractionStart(new InteractionResponse(InteractionCallbackType.ApplicationCommandAutocompleteResult, Choices: choices), null);
            case InteractionType.ApplicationCommand or InteractionType.MessageComponent:
                var (chat, parsed, personal) = await BindAsync(interaction, platform, ct);
                var component = interaction.Type == InteractionType.MessageComponent;
                if (parsed is ParseResult.Invalid invalid) // no lane, no budget: the reason is known now
                    return new InteractionStart(Answer(component, InteractionReplies.Message(Reply.Of(invalid.Reply), personal)), null);
                var work = RunOnLaneAsync(chat, parsed, personal, component, ct);
                var budget = TimeSpan.FromMilliseconds(options.Value.InteractionBudgetMs);
                if (!work.IsCompleted && budget > TimeSpan.Zero)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    await Task.WhenAny(work, Task.Delay(budget, time, wait.Token));
                    await wait.CancelAsync();
                }
                // A file goes with the edit of @original (multipart), never with the callback: an answer with one is deferred too.
                if (work.IsCompletedSuccessfully && work.Result.Files is not { Count: > 0 }) return new InteractionStart(Answer(component, work.Result), null);
                // Not ready in time: acknowledge now and let the answer replace @original when it is.
                var deferral = component
                    ? new InteractionResponse(InteractionCallbackType.DeferredUpdateMessage)
                    : new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource,
                        new InteractionMessage(null, Ephemeral: personal || (work.IsCompletedSuccessfully && work.Result.Ephemeral)));
                return new InteractionStart(deferral, work);
            default:
                return new InteractionStart(new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource,
                    new InteractionMessage(Md.Error("I can't answer that kind of interaction."), Ephemeral: true)), null);
        }
    }

    public async Task<InteractionMessage> CompleteAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        if (interaction.Type is not (InteractionType.ApplicationCommand or InteractionType.MessageComponent))
            throw new InvalidOperationException($"Only commands and components run to completion, not {interaction.Type}.");
        var (chat, parsed, personal) = await BindAsync(interaction, Discord, ct);
        return parsed is ParseResult.Invalid invalid
            ? InteractionReplies.Message(Reply.Of(invalid.Reply), personal)
            : await RunOnLaneAsync(chat, parsed, personal, interaction.Type == InteractionType.MessageComponent, ct);
    }

    /// <summary>
    /// A button's answer updates its message (type 7); an error answers the clicker alone instead, leaving the page as it
    /// was. A command answers with a new message (type 4).
    /// </summary>
    private static InteractionResponse Answer(bool component, InteractionMessage message) =>
        new(component && !message.Ephemeral ? InteractionCallbackType.UpdateMessage : InteractionCallbackType.ChannelMessageWithSource, message);

    /// <param name="component">
    /// A click: the answer replaces its message, so an answer without buttons sends an empty list (<c>components: []</c>)
    /// and takes the old buttons away (the forget-me confirmation must not stay clickable); null would leave them.
    /// </param>
    private async Task<InteractionMessage> RunOnLaneAsync(ChatMessage chat, ParseResult parsed, bool personal, bool component, CancellationToken ct)
    {
        var answered = new TaskCompletionSource<InteractionMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lane = chat.Guild?.ToString() ?? $"dm:{chat.Author.Id}";
        await lanes.EnqueueAsync(lane, async () =>
        {
            try
            {
                var message = InteractionReplies.Message(await bot.RunAsync(chat, parsed, ct), personal);
                answered.TrySetResult(component ? message with { Components = message.Components ?? [] } : message);
            }
            catch (Exception ex)
            {
                answered.TrySetException(ex);
            }
        }, ct);
        return await answered.Task;
    }

    private async Task<(ChatMessage Chat, ParseResult Parsed, bool Personal)> BindAsync(DiscordInteraction interaction, string platform, CancellationToken ct)
    {
        if (interaction.Type == InteractionType.ApplicationCommand)
        {
            var (chat, parsed, syntax) = SlashBinding.Bind(interaction, platform);
            return (chat, parsed, syntax?.Personal ?? false);
        }
        if (ForgetMe.ConfirmButton.Parse(interaction.Data?.CustomId) is { } confirm)
        {
            // Not personal: the answer replaces the (ephemeral) question and its button in place (type 7).
            var chat = SlashBinding.ToChat(interaction, platform, ForgetMe.Slash.Path);
            return (chat, confirm.User == chat.Author.Id
                ? CommandInput.Request(new ForgetMe.Command(chat, Confirmed: true) { Slash = true, AskedAt = confirm.AskedAt })
                : CommandInput.Invalid("This button confirms someone else's request: run `/privacy forget-me` yourself."), false);
        }
        var page = SlashBinding.ToChat(interaction, platform, History.Slash.Path);
        return (page, await PageAsync(page, PageCursor.Parse(interaction.Data?.CustomId), ct), false);
    }

    /// <summary>A page button's request: the same query the command makes, read as of the page's first render.</summary>
    private async Task<ParseResult> PageAsync(ChatMessage chat, PageCursor? cursor, CancellationToken ct)
    {
        switch (cursor)
        {
            case { View: PageCursor.ServerHistory }:
                return CommandInput.Request(new History.Query(chat, null, Math.Min(cursor.Page, History.MaxPage), cursor.Mark));
            case { View: PageCursor.KeyHistory } when chat.Guild is { } guild:
                var key = PageCursor.HashedKey(cursor.Argument) is { } hash
                    ? await FindHashedKeyAsync(guild, hash, ct)
                    : MemoryKey.Create(cursor.Argument) is { IsValid: true } written ? written.Value : null;
                return key is null
                    ? CommandInput.Invalid("That key's history is gone from this server's keys, so this button no longer works.")
                    : CommandInput.Request(new History.Query(chat, key, Math.Min(cursor.Page, History.MaxPage), cursor.Mark));
            default:
                return CommandInput.Invalid("That button is from another version of the bot: run the command again.");
        }
    }

    /// <summary>A key too long for a custom_id travels as a hash; every key ever set keeps a row in the current-values partition.</summary>
    private async Task<MemoryKey?> FindHashedKeyAsync(GuildId guild, string hash, CancellationToken ct)
    {
        var rows = await readModels.QueryAsync(RememberedValues.ProjectionName, guild.ToString(), ct);
        return rows.Select(RememberedValues.Read).OfType<RememberedValue>()
            .Select(v => MemoryKey.Create(v.Key))
            .Where(k => k.IsValid && PageCursor.Hash(k.Value.Normalized) == hash)
            .Select(k => k.Value)
            .FirstOrDefault();
    }
}
