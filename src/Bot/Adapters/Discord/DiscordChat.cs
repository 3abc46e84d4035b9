using System.Collections.Concurrent;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Privacy;
using EventBot.Bot.Interactions;
using EventBot.Bot.Telemetry;
using EventBot.Discord.Interactions;
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
    private readonly IInteractionHandler _interactionHandler;
    private readonly IDiscordInteractions? _interactions;
    private readonly GuildRetention? _retention;
    private readonly RecentIds _seenInteractions = new(RecentIds.DefaultCapacity);
    private readonly ConcurrentDictionary<Task, byte> _interactionsInFlight = new();
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
        ILogger<DiscordChat> logger,
        GuildLanes lanes,
        IInteractionHandler interactionHandler,
        IDiscordInteractions? interactions = null,
        GuildRetention? retention = null)
    {
        _gateway = gateway;
        _rest = rest;
        _bot = bot;
        _options = options.Value;
        _lifetime = lifetime;
        _exit = exit;
        _logger = logger;
        _lanes = lanes;
        _limiter = new UserRateLimiter(_options.RateLimitBurst, _options.RateLimitPerMinute, time);
        _interactionHandler = interactionHandler;
        _interactions = interactions;
        _retention = retention;
    }

    /// <summary>Messages for the bot taken from the gateway (after the rate limit) and messages answered or settled.</summary>
    internal (long Read, long Answered, long Limited) Counts => (Interlocked.Read(ref _read), Interlocked.Read(ref _answered), Interlocked.Read(ref _limited));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var drain = new DrainWindow(TimeSpan.FromSeconds(_options.ShutdownSeconds), stoppingToken);
        _work = drain.Token;
        try
        {
            // Removed from a server / back in it: the retention of docs/privacy.md (an outage is neither).
            if (_retention is not null) _gateway.OnGuild = _retention.OnGuildAsync;
            // Returns once stopping: the connection is closed and every message it had read has been queued here.
            await _gateway.RunAsync(OnMessageAsync, OnInteractionAsync, stoppingToken);
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
        await Task.WhenAll(_interactionsInFlight.Keys);
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

    /// <summary>
    /// The gateway's INTERACTION_CREATE handler: returns at once (the gateway keeps reading) while the interaction is
    /// answered in the background. A redelivered interaction (same id) is not answered again; commands and buttons pass
    /// the same per-user rate limit as prefix commands, but a limited interaction is always told (ephemerally), since
    /// Discord shows an unanswered one as failed. The first callback goes out within the budget; a deferred answer then
    /// replaces <c>@original</c>. Expired or failed acknowledgements are logged once and never retried: whatever the
    /// command appended stays.
    /// </summary>
    public Task OnInteractionAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        var received = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!_seenInteractions.Add(interaction.Id))
        {
            Log.DuplicateInteraction(_logger, interaction.Id);
            return Task.CompletedTask;
        }
        var work = AnswerInteractionAsync(interaction, received, _work);
        _interactionsInFlight.TryAdd(work, 0);
        _ = work.ContinueWith(t => _interactionsInFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private async Task AnswerInteractionAsync(DiscordInteraction interaction, long received, CancellationToken ct)
    {
        await Task.Yield();
        var command = interaction.Data?.Name ?? interaction.Data?.CustomId?.Split('|')[0] ?? interaction.Type.ToString();
        if (_interactions is null)
        {
            Log.NoInteractionTransport(_logger, interaction.Id);
            return;
        }
        try
        {
            InteractionStart start;
            if (interaction.Type is InteractionType.ApplicationCommand or InteractionType.MessageComponent
                && SlashBinding.ToChatUser(interaction.User) is var user && _limiter.Take(user.Id) is RateDecision.Limited limited)
            {
                Interlocked.Increment(ref _limited);
                var seconds = Math.Max(1, (int)Math.Ceiling(limited.RetryAfter.TotalSeconds));
                start = new InteractionStart(new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage(
                    $"⚠️ Slow down: you can send {_options.RateLimitBurst} commands in a row, then {_options.RateLimitPerMinute} a minute. Try again in {seconds} s.", Ephemeral: true)), null);
            }
            else
            {
                start = await _interactionHandler.StartAsync(interaction, ct);
            }
            await _interactions.RespondAsync(interaction, start.First, ct);
            BotTelemetry.RecordInteractionAck(received, (int)interaction.Type, (int)start.First.Type);
            if (start.Completion is { } completion)
                await _interactions.EditOriginalAsync(interaction.ApplicationId, interaction.Token, await completion, ct);
        }
        catch (DiscordInteractionExpiredException)
        {
            Log.InteractionExpired(_logger, interaction.Id, command, System.Diagnostics.Stopwatch.GetElapsedTime(received).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Log.NotAnswered(_logger, interaction.Id, _options.ShutdownSeconds);
        }
        catch (Exception ex)
        {
            Log.InteractionFailed(_logger, ex, interaction.Id, command, System.Diagnostics.Stopwatch.GetElapsedTime(received).TotalMilliseconds);
        }
    }

    private Task SendAsync(DiscordIncomingMessage message, Reply reply, CancellationToken ct)
    {
        if (reply.Attachment is not null) return SendPrivatelyAsync(message, reply, ct);
        var embeds = InteractionReplies.Embeds(reply);
        return _rest.SendReplyAsync(message.ChannelId, message.Id, embeds is null ? reply.Text : "", embeds, ct);
    }

    /// <summary>
    /// A reply with a file (a typed <c>.privacy export</c>) is the author's alone, and a channel message is not: the text
    /// and the file go by DM (<c>POST /users/@me/channels</c>, then the message with the file), and the channel only hears
    /// that they did, or why they could not (50007: the user does not take DMs from the bot). Any other failure is
    /// reported in the channel too, so the request is never lost silently.
    /// </summary>
    private async Task SendPrivatelyAsync(DiscordIncomingMessage message, Reply reply, CancellationToken ct)
    {
        string answer;
        try
        {
            var dm = await _rest.CreateDmAsync(message.Author.Id, ct);
            await _rest.SendMessageAsync(dm, Md.Clip(reply.Text, InteractionReplies.MaxContent), InteractionReplies.Files(reply)!, ct);
            answer = "📬 Sent you a DM with your file.";
        }
        catch (DiscordRestException ex) when (ex.DiscordErrorCode == DiscordErrorCodes.CannotSendMessagesToUser)
        {
            Log.DmRefused(_logger, message.Id);
            answer = Md.Error("I can't send you a DM (Discord says you don't accept DMs from me): allow direct messages from this server's members " +
                "(Privacy Settings of the server), then ask again, or use `/privacy export`, which answers only to you.");
        }
        catch (DiscordRestException ex)
        {
            Log.DmFailed(_logger, ex, message.Id);
            answer = Md.Error("I couldn't send you the DM with your file (Discord refused it). Try again later, or use `/privacy export`, which answers only to you.");
        }
        await _rest.SendReplyAsync(message.ChannelId, message.Id, answer, null, ct);
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

        [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Interaction {InteractionId} was delivered again; it was answered the first time")]
        public static partial void DuplicateInteraction(ILogger logger, string interactionId);

        [LoggerMessage(EventId = 5007, Level = LogLevel.Warning,
            Message = "Interaction {InteractionId} ({Command}) expired before its answer reached Discord ({LatencyMs:F0} ms after it arrived); not retried, anything it saved stays")]
        public static partial void InteractionExpired(ILogger logger, string interactionId, string command, double latencyMs);

        [LoggerMessage(EventId = 5008, Level = LogLevel.Error, Message = "Interaction {InteractionId} ({Command}) could not be answered ({LatencyMs:F0} ms after it arrived); not retried")]
        public static partial void InteractionFailed(ILogger logger, Exception exception, string interactionId, string command, double latencyMs);

        [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "The reply to message {MessageId} carries a file, but its author does not accept DMs from the bot (50007)")]
        public static partial void DmRefused(ILogger logger, string messageId);

        [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "The DM with the file replying to message {MessageId} could not be sent")]
        public static partial void DmFailed(ILogger logger, Exception exception, string messageId);

        [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Interaction {InteractionId} arrived but no interaction transport (IDiscordInteractions) is registered to answer it")]
        public static partial void NoInteractionTransport(ILogger logger, string interactionId);
    }
}
