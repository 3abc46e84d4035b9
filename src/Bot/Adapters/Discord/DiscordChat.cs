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
/// It only translates and schedules; every rule lives behind <see cref="ChatBot"/>. The message id is the idempotency
/// key, so a MESSAGE_CREATE replayed after a resume never appends twice.
/// Scheduling: each user's commands pass a token bucket (<see cref="UserRateLimiter"/>); servers run in parallel and each
/// server's commands in order (<see cref="GuildLanes"/>). On stop the gateway stops reading and closes, then every
/// message already read is answered within <c>EVENTBOT_SHUTDOWN_SECONDS</c>; only then do the projector and the host stop.
/// </summary>
public sealed partial class DiscordChat : BackgroundService
{
    private readonly IDiscordGateway _gateway;
    private readonly IDiscordRest _rest;
    private readonly ChatBot _bot;
    private readonly BotOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly BotExit _exit;
    private readonly ILogger<DiscordChat> _logger;
    private readonly GuildLanes _lanes;
    private readonly UserRateLimiter _limiter;
    private CancellationToken _work = CancellationToken.None;
    private long _read;
    private long _answered;
    private long _limited;

    public DiscordChat(
        IDiscordGateway gateway,
        IDiscordRest rest,
        ChatBot bot,
        IOptions<BotOptions> options,
        IHostApplicationLifetime lifetime,
        BotExit exit,
        TimeProvider time,
        ILogger<DiscordChat> logger)
    {
        _gateway = gateway;
        _rest = rest;
        _bot = bot;
        _options = options.Value;
        _lifetime = lifetime;
        _exit = exit;
        _logger = logger;
        _lanes = new GuildLanes(_options.ParallelGuilds);
        _limiter = new UserRateLimiter(_options.RateLimitBurst, _options.RateLimitPerMinute, time);
    }

    /// <summary>Messages for the bot taken from the gateway (after the rate limit) and messages answered or settled.</summary>
    internal (long Read, long Answered, long Limited) Counts => (Interlocked.Read(ref _read), Interlocked.Read(ref _answered), Interlocked.Read(ref _limited));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var drain = new DrainWindow(TimeSpan.FromSeconds(_options.ShutdownSeconds), stoppingToken);
        _work = drain.Token;
        try
        {
            // Returns once stopping: the connection is closed and every message it had read has been queued here.
            await _gateway.RunAsync(OnMessageAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is DiscordGatewayFatalException or DiscordAuthenticationException)
        {
            // Fatal by Discord's rules (bad token, disallowed intents, …): reconnecting would loop forever.
            Log.Fatal(_logger, ex.Message);
            _exit.Fail(ex.Message);
            _lifetime.StopApplication();
        }

        var pending = _lanes.Pending;
        if (pending > 0) Log.Draining(_logger, pending, _options.ShutdownSeconds);
        await _lanes.DrainAsync();
        var (read, answered, _) = Counts;
        Log.Stopped(_logger, read, answered, read - answered);
    }

    /// <summary>The gateway's handler: filters, rate-limits and queues; the answer is worked out on the server's lane.</summary>
    public async Task OnMessageAsync(DiscordIncomingMessage message, CancellationToken ct)
    {
        var me = _gateway.CurrentUser;
        if (message.Author.IsBot || message.WebhookId is not null || message.Author.Id == me?.Id) return;
        if (string.IsNullOrEmpty(message.Content)) return; // the gateway logs the MESSAGE_CONTENT hint once

        var chat = ToChatMessage(message, me?.Id, _options.Prefix);
        if (!chat.Content.StartsWith(_options.Prefix, StringComparison.Ordinal)) return; // chatter: not a command, not counted

        Interlocked.Increment(ref _read);
        var lane = message.GuildId ?? $"dm:{message.ChannelId}";
        var work = _work;
        Func<Task> answer = _limiter.Take(chat.Author.Id) switch
        {
            RateDecision.Limited { Tell: true } limited => () => TellLimitedAsync(message, limited.RetryAfter, work),
            RateDecision.Limited => () => SettleLimited(),
            _ => () => AnswerAsync(message, chat, work),
        };
        // Waits only when the lanes are full; while stopping, the drain window bounds that wait instead of ct.
        await _lanes.EnqueueAsync(lane, answer, ct.IsCancellationRequested ? work : CancellationToken.None);
    }

    private async Task AnswerAsync(DiscordIncomingMessage message, ChatMessage chat, CancellationToken ct)
    {
        try
        {
            var reply = await _bot.HandleAsync(chat, ct);
            if (reply is not null) await SendAsync(message, reply, ct);
            Interlocked.Increment(ref _answered);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Log.NotAnswered(_logger, message.Id, _options.ShutdownSeconds);
        }
        catch (Exception ex)
        {
            Log.ReplyFailed(_logger, ex, message.Id);
        }
    }

    private async Task TellLimitedAsync(DiscordIncomingMessage message, TimeSpan retryAfter, CancellationToken ct)
    {
        Interlocked.Increment(ref _limited);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var text = $"⚠️ Slow down: you can send {_options.RateLimitBurst} commands in a row, then {_options.RateLimitPerMinute} a minute. " +
                   $"Try again in {seconds} s. (I will not answer until then, and I say this once.)";
        try
        {
            await SendAsync(message, Reply.Of(text), ct);
            Interlocked.Increment(ref _answered);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Log.ReplyFailed(_logger, ex, message.Id);
        }
    }

    private Task SettleLimited()
    {
        // Deliberately unanswered (the user was told once); counted as settled so "read = answered" stays checkable.
        Interlocked.Increment(ref _limited);
        Interlocked.Increment(ref _answered);
        return Task.CompletedTask;
    }

    public override void Dispose()
    {
        _lanes.Dispose();
        base.Dispose();
    }

    private Task SendAsync(DiscordIncomingMessage message, Reply reply, CancellationToken ct)
    {
        // Discord's embed limits: title 256, description 4,096, field name 256, field value 1,024 characters.
        var embeds = reply.Embed is { } e
            ? new[]
            {
                new DiscordEmbed(Md.Shorten(e.Title, 256), e.Description is null ? null : Md.Clip(e.Description, 4096),
                    [.. e.Fields.Take(25).Select(f => new DiscordEmbedField(Md.Shorten(f.Name, 256), Md.Clip(f.Value, 1024), f.Inline))]),
            }
            : null;
        return _rest.SendReplyAsync(message.ChannelId, message.Id, embeds is null ? reply.Text : "", embeds, ct);
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

        [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Stopping: answering the {Pending} message(s) already read (up to {Seconds} s)")]
        public static partial void Draining(ILogger logger, int pending, int seconds);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Discord chat stopped: {Read} command(s) read, {Answered} answered, {Unanswered} not")]
        public static partial void Stopped(ILogger logger, long read, long answered, long unanswered);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Message {MessageId} was not answered: the shutdown time ({Seconds} s) ran out")]
        public static partial void NotAnswered(ILogger logger, string messageId, int seconds);

        [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "The reply to message {MessageId} could not be sent")]
        public static partial void ReplyFailed(ILogger logger, Exception exception, string messageId);
    }
}
