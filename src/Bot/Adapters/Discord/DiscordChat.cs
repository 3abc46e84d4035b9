using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using EventBot.Discord;
using EventBot.Domain.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Adapters.Discord;

/// <summary>
/// The Discord adapter: gateway messages become <see cref="ChatMessage"/>s, replies go back as Discord replies.
/// It only translates; every rule lives behind <see cref="ChatBot"/>. The message id is the idempotency key, so a
/// MESSAGE_CREATE replayed after a resume never appends twice.
/// </summary>
public sealed partial class DiscordChat(
    IDiscordGateway gateway,
    IDiscordRest rest,
    ChatBot bot,
    IOptions<BotOptions> options,
    IHostApplicationLifetime lifetime,
    BotExit exit,
    ILogger<DiscordChat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await gateway.RunAsync(OnMessageAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is DiscordGatewayFatalException or DiscordAuthenticationException)
        {
            // Fatal by Discord's rules (bad token, disallowed intents, …): reconnecting would loop forever.
            Log.Fatal(logger, ex.Message);
            exit.Fail(ex.Message);
            lifetime.StopApplication();
        }
    }

    public async Task OnMessageAsync(DiscordIncomingMessage message, CancellationToken ct)
    {
        var me = gateway.CurrentUser;
        if (message.Author.IsBot || message.WebhookId is not null || message.Author.Id == me?.Id) return;
        if (string.IsNullOrEmpty(message.Content)) return; // the gateway logs the MESSAGE_CONTENT hint once

        var chat = ToChatMessage(message, me?.Id, options.Value.Prefix);
        var reply = await bot.HandleAsync(chat, ct);
        if (reply is null) return;
        // Discord's embed limits: title 256, description 4,096, field name 256, field value 1,024 characters.
        var embeds = reply.Embed is { } e
            ? new[]
            {
                new DiscordEmbed(Md.Shorten(e.Title, 256), e.Description is null ? null : Md.Clip(e.Description, 4096),
                    [.. e.Fields.Take(25).Select(f => new DiscordEmbedField(Md.Shorten(f.Name, 256), Md.Clip(f.Value, 1024), f.Inline))]),
            }
            : null;
        await rest.SendReplyAsync(message.ChannelId, message.Id, embeds is null ? reply.Text : "", embeds, ct);
    }

    /// <summary>Maps a Discord message; a leading mention of the bot (<c>@EventBot remember …</c>) works as the prefix.</summary>
    public static ChatMessage ToChatMessage(DiscordIncomingMessage message, string? botUserId, string prefix)
    {
        var content = message.Content;
        var mentionedBot = false;
        if (botUserId is not null)
        {
            foreach (var mention in (ReadOnlySpan<string>)[$"<@{botUserId}>", $"<@!{botUserId}>"])
            {
                if (!content.StartsWith(mention, StringComparison.Ordinal)) continue;
                var rest = content[mention.Length..].TrimStart();
                content = rest.StartsWith(prefix, StringComparison.Ordinal) ? rest : prefix + rest;
                mentionedBot = true;
                break;
            }
        }
        var mentions = message.Mentions
            .Where(m => !(mentionedBot && m.Id == botUserId))
            .Select(m => new ChatUser(ParseUser(m.Id), m.GlobalName ?? m.Username, m.IsBot))
            .ToList();
        return new ChatMessage(
            message.Id,
            message.GuildId is null ? null : GuildId.Parse(message.GuildId),
            new ChatUser(ParseUser(message.Author.Id), message.Author.GlobalName ?? message.Author.Username, message.Author.IsBot),
            content,
            mentions,
            Platform: "discord");
    }

    private static UserId ParseUser(string id) => UserId.Parse(id);

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Critical, Message = "Discord refused the bot and reconnecting cannot help: {Reason}")]
        public static partial void Fatal(ILogger logger, string reason);
    }
}
