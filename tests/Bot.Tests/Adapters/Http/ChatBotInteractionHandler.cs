using EventBot.Bot.Chat;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using EventBot.Domain.Common;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>
/// A stand-in for the slash-command handler (issue 15) until it is on main: the interaction becomes the prefix command
/// it means (<c>/remember set key:k value:v</c> → <c>.remember k is v</c>) and goes through the bot's real pipeline and
/// store, with the interaction id as the idempotency key, under a budget: type 4 when the reply is ready in time, else
/// type 5 with the work still running. So the hosts' tests run real appends, read-your-writes and idempotency.
/// </summary>
public sealed class ChatBotInteractionHandler(ChatBot bot, TimeSpan budget) : IInteractionHandler
{
    /// <summary>How long <see cref="StartAsync"/> waits for the reply before it defers.</summary>
    public TimeSpan Budget { get; set; } = budget;

    /// <summary>What a command waits for before it runs (a slow command, to force the type-5 path).</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    /// <summary>Every run started, so a test can wait for runs it let go.</summary>
    public List<Task<InteractionMessage>> Runs { get; } = [];

    public async Task<InteractionStart> StartAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        var work = RunAsync(interaction, CancellationToken.None);
        lock (Runs) Runs.Add(work);
        var finished = await Task.WhenAny(work, Task.Delay(Budget, ct));
        return finished == work
            ? new InteractionStart(new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, await work), null)
            : new InteractionStart(new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource), work);
    }

    public Task<InteractionMessage> CompleteAsync(DiscordInteraction interaction, CancellationToken ct) => RunAsync(interaction, ct);

    async Task<InteractionMessage> RunAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        var message = new ChatMessage(
            interaction.Id,
            interaction.GuildId is null ? null : GuildId.Parse(interaction.GuildId),
            new ChatUser(UserId.Parse(interaction.User.Id), interaction.User.GlobalName ?? interaction.User.Username),
            PrefixCommand(interaction),
            [],
            Platform: "discord");
        var reply = await bot.HandleAsync(message, ct);
        return new InteractionMessage(reply?.Text ?? "");
    }

    /// <summary>What the slash command means as a prefix command.</summary>
    public static string PrefixCommand(DiscordInteraction interaction)
    {
        var data = interaction.Data!;
        var sub = data.Options.FirstOrDefault(o => o.Type == ApplicationCommandOptionType.SubCommand);
        var options = (sub?.Options ?? data.Options).ToDictionary(o => o.Name, o => o.Value?.ToString() ?? "", StringComparer.Ordinal);
        return (data.Name, sub?.Name) switch
        {
            ("remember", "set") => $".remember {options["key"]} is {options["value"]}",
            ("remember", "get") => $".remember {options["key"]}",
            _ => string.Join(' ', new[] { "." + data.Name, sub?.Name }.Concat(options.Values).Where(p => !string.IsNullOrEmpty(p))),
        };
    }
}
