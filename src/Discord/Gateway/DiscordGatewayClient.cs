using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EventBot.Discord.Interactions;
using EventBot.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Discord.Gateway;

/// <summary>
/// One gateway shard over WebSocket, following the Gateway docs: Hello, heartbeats with jitter and zombie detection,
/// Identify/Resume, and the reconnect rules of op 7, op 9 and the close code table.
/// </summary>
public sealed partial class DiscordGatewayClient : IDiscordGateway
{
    /// <summary>Our close code when we reconnect on purpose: anything but 1000/1001 keeps the session resumable.</summary>
    internal const int ReconnectCloseCode = 4000;

    private readonly DiscordOptions _options;
    private readonly DiscordRestClient _rest;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<double> _random;
    private readonly IdentifyGate _identifyGate;
    private readonly TaskCompletionSource<DiscordUser> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Session state survives connections: it is what a Resume sends.
    private string? _sessionId;
    private Uri? _resumeUrl;
    // Written by the receive loop, read by the heartbeat task: a plain long (-1 = none yet) so reads are never torn.
    private long _sequence = -1;
    private int _failedConnections;
    // Messages dropped since the queue filled up (receive loop only); logged once when it fills and once when it drains.
    private long _dropped;
    private int _emptyContentWarned;
    private int _running;
    private int _unhandledInteractionWarned;
    private volatile bool _acceptInteractions;
    private Func<DiscordGuildEvent, CancellationToken, Task>? _onGuild;
    private DiscordUser? _currentUser;
    private string? _applicationId;

    /// <param name="random">Uniform [0, 1) source for heartbeat and backoff jitter; tests pass a fixed one.</param>
    public DiscordGatewayClient(IOptions<DiscordOptions> options, DiscordRestClient rest, TimeProvider time, ILogger<DiscordGatewayClient> logger, Func<double>? random = null)
    {
        _options = options.Value;
        _rest = rest;
        _time = time;
        _logger = logger;
        _random = random ?? Random.Shared.NextDouble;
        _identifyGate = new IdentifyGate(time);
        Health = new GatewayHealth(time);
    }

    /// <summary>One shard of a <see cref="ShardedDiscordGateway"/>: identifies through the process's shared gate.</summary>
    internal DiscordGatewayClient(IOptions<DiscordOptions> options, DiscordRestClient rest, TimeProvider time, ILogger<DiscordGatewayClient> logger, IdentifyGate identifyGate, Func<double>? random)
        : this(options, rest, time, logger, random) => _identifyGate = identifyGate;

    /// <summary>READY/RESUMED and reconnect times, for a readiness probe.</summary>
    public GatewayHealth Health { get; }

    public DiscordUser? CurrentUser => Volatile.Read(ref _currentUser);

    public string? ApplicationId => Volatile.Read(ref _applicationId);

    public Task<DiscordUser> WaitUntilReadyAsync(CancellationToken ct) => _ready.Task.WaitAsync(ct);

    public Func<DiscordGuildEvent, CancellationToken, Task>? OnGuild
    {
        get => Volatile.Read(ref _onGuild);
        set => Volatile.Write(ref _onGuild, value);
    }

    public Task RunAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, CancellationToken ct) =>
        RunCoreAsync(onMessage, null, ct);

    public Task RunAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, Func<DiscordInteraction, CancellationToken, Task> onInteraction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onInteraction);
        return RunCoreAsync(onMessage, onInteraction, ct);
    }

    private async Task RunCoreAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, Func<DiscordInteraction, CancellationToken, Task>? onInteraction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        // One connection per client: a second loop would identify the same shard twice (4005) and race the session state.
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new InvalidOperationException("RunAsync is already running on this gateway client.");

        // Handlers run off the receive loop: a slow handler must not stall reading ACKs, or we would see a false zombie.
        // The queue is bounded: when the handler falls MessageQueueCapacity behind, new messages are dropped (and
        // counted in the log) rather than growing memory without limit or stalling the heartbeat.
        // Interactions share the queue: one order, one capacity, one drain for everything Discord delivered.
        var messages = Channel.CreateBounded<Incoming>(new BoundedChannelOptions(_options.MessageQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var consumer = ConsumeAsync(messages.Reader, onMessage, onInteraction, ct);
        _acceptInteractions = onInteraction is not null;
        try
        {
            await ConnectLoopAsync(messages.Writer, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
            messages.Writer.TryComplete();
            try
            {
                await consumer;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
    }

    private async Task ConsumeAsync(ChannelReader<Incoming> reader, Func<DiscordIncomingMessage, CancellationToken, Task> onMessage,
        Func<DiscordInteraction, CancellationToken, Task>? onInteraction, CancellationToken ct)
    {
        // Not cancelled by ct: on shutdown the connection closes first (nothing new is read), then every message already
        // read is still handed over, so none that Discord delivered is silently lost. The handler sees the cancelled ct
        // and decides how long it may take.
        await foreach (var incoming in reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                if (incoming.Interaction is { } interaction)
                    await onInteraction!(interaction, ct);
                else if (incoming.Guild is { } guild)
                    await (OnGuild?.Invoke(guild, ct) ?? Task.CompletedTask);
                else
                    await onMessage(incoming.Message!, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // One bad message must not take the connection down.
                if (incoming.Interaction is { } interaction)
                    Log.InteractionHandlerFailed(_logger, ex, interaction.Id);
                else if (incoming.Guild is { } guild)
                    Log.GuildHandlerFailed(_logger, ex, guild.GuildId, guild.Change);
                else
                    Log.HandlerFailed(_logger, ex, incoming.Message!.Id);
            }
        }
    }

    private async Task ConnectLoopAsync(ChannelWriter<Incoming> messages, CancellationToken ct)
    {
        var resume = false;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var canResume = resume && _sessionId is not null && _resumeUrl is not null;
            ConnectionEnd end;
            try
            {
                Uri url;
                if (canResume)
                {
                    url = GatewayUri(_resumeUrl!);
                }
                else
                {
                    ForgetSession();
                    var info = await _rest.GetGatewayBotAsync(ct);
                    await _identifyGate.WaitAsync(_options.ShardId, info.SessionStartLimit, (wait, why) => Log.IdentifyDelayed(_logger, wait, why), ct);
                    url = GatewayUri(new Uri(info.Url));
                }

                Log.Connecting(_logger, url.GetLeftPart(UriPartial.Path), canResume);
                end = await RunConnectionAsync(url, canResume, messages, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is WebSocketException or HttpRequestException or IOException
                                           or TimeoutException or OperationCanceledException or DiscordRestException or JsonException)
            {
                Log.ConnectionFailed(_logger, ex.GetType().Name, ex.Message);
                end = new ConnectionEnd(NextStep.Resume, Ready: false, ReconnectDelay.Backoff, null, "connection failed");
            }

            if (end.Step == NextStep.Stop)
            {
                Log.Fatal(_logger, end.CloseCode ?? 0, end.Reason);
                throw new DiscordGatewayFatalException(end.CloseCode ?? 0, end.Reason);
            }

            resume = end.Step == NextStep.Resume;
            if (end.Ready)
                _failedConnections = 0;
            var delay = end.Delay switch
            {
                ReconnectDelay.Immediate => TimeSpan.Zero,
                // Docs: after op 9 d=false wait a random 1-5 s before identifying again.
                ReconnectDelay.InvalidSession => TimeSpan.FromSeconds(1 + (4 * _random())),
                _ => Backoff(++_failedConnections),
            };
            Health.Lost();
            DiscordTelemetry.GatewayReconnects.Add(1, new KeyValuePair<string, object?>(DiscordTelemetry.ReasonAttribute, DiscordTelemetry.ReconnectReason(end.CloseCode, end.Reason)));
            Log.Reconnecting(_logger, end.Reason, resume, delay);
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay, _time, ct);
        }
    }

    /// <summary>Capped exponential backoff with jitter in [50 %, 100 %] so many bots do not reconnect in lockstep.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var exponential = _options.ReconnectInitialDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = exponential < _options.ReconnectMaxDelay ? exponential : _options.ReconnectMaxDelay;
        return capped * (0.5 + (0.5 * _random()));
    }

    private async Task<ConnectionEnd> RunConnectionAsync(Uri url, bool resume, ChannelWriter<Incoming> messages, CancellationToken ct)
    {
        await using var connection = await GatewayConnection.ConnectAsync(url, _options.ConnectTimeout, _options.CloseTimeout, _time, ct);

        string? helloText;
        using (var helloTimeout = new CancellationTokenSource(_options.HelloTimeout, _time))
        using (var helloCt = CancellationTokenSource.CreateLinkedTokenSource(ct, helloTimeout.Token))
        {
            try
            {
                helloText = await connection.ReceiveAsync(helloCt.Token);
            }
            catch (OperationCanceledException) when (helloTimeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                await connection.CloseAsync(ReconnectCloseCode, "no hello", ct);
                return new ConnectionEnd(resume ? NextStep.Resume : NextStep.Identify, false, ReconnectDelay.Backoff, null, "no Hello within HelloTimeout");
            }
        }

        if (helloText is null)
            return FromClose(connection, ready: false);
        var interval = ReadHelloInterval(helloText);
        Health.HeartbeatInterval(interval);

        // Not linked to ct: cancelling a ClientWebSocket receive aborts the socket, and on shutdown we first want to
        // send a close frame. ct starts that close; the receive then ends on the server's answer (or after CloseTimeout).
        using var connectionCts = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        Task? closing = null;
        using var shutdown = ct.Register(() =>
        {
            // 1000 ends the session at once, so the bot shows offline instead of lingering until it times out.
            closing = connection.CloseAsync(1000, "shutting down", CancellationToken.None);
            connectionCts.CancelAfter(_options.CloseTimeout * 2);
        });
        var state = new ConnectionState();
        var heartbeat = HeartbeatLoopAsync(connection, interval, state, connectionCts);
        try
        {
            await connection.SendAsync(resume ? ResumePayload() : IdentifyPayload(), heartbeat: false, ct);
            while (true)
            {
                string? text;
                try
                {
                    text = await connection.ReceiveAsync(connectionCts.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
                {
                    ct.ThrowIfCancellationRequested();
                    if (state.Decision is not null)
                        return state.Decision with { Ready = state.Ready };
                    throw;
                }

                ct.ThrowIfCancellationRequested();
                if (text is null)
                    return state.Decision is { } decided ? decided with { Ready = state.Ready } : FromClose(connection, state.Ready);

                ConnectionEnd? end;
                try
                {
                    end = await HandlePayloadAsync(text, connection, state, messages, ct);
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or UriFormatException)
                {
                    // A payload we cannot read (no op, a READY without session_id, not JSON …) must not stop the host:
                    // start over on a fresh connection, resuming when the session is known, else identifying.
                    end = Malformed(ex);
                }
                if (end is not null)
                {
                    await connection.CloseAsync(ReconnectCloseCode, end.Reason, ct);
                    return end with { Ready = state.Ready };
                }
            }
        }
        finally
        {
            await connectionCts.CancelAsync();
            await heartbeat;
            // The close frame must be on the wire before the connection is disposed (which aborts the socket).
            if (Volatile.Read(ref closing) is { } close) await close;
        }
    }

    private ConnectionEnd Malformed(Exception ex)
    {
        var reason = $"malformed gateway payload ({ex.GetType().Name}: {ex.Message})";
        return _sessionId is not null && _resumeUrl is not null
            ? new ConnectionEnd(NextStep.Resume, false, ReconnectDelay.Backoff, null, reason)
            : new ConnectionEnd(NextStep.Identify, false, ReconnectDelay.Backoff, null, reason);
    }

    private async Task<ConnectionEnd?> HandlePayloadAsync(string text, GatewayConnection connection, ConnectionState state, ChannelWriter<Incoming> messages, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        var op = root.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.Number
            ? o.GetInt32()
            : throw new InvalidOperationException("the payload has no numeric op.");
        switch (op)
        {
            case 0:
                if (root.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.Number)
                    Interlocked.Exchange(ref _sequence, s.GetInt64());
                HandleDispatch(DiscordJson.OptionalString(root, "t"), root.GetProperty("d"), state, messages);
                return null;
            case 1:
                // The server asks for a beat now; answering does not move our own schedule.
                await connection.SendAsync(HeartbeatPayload(), heartbeat: true, ct);
                return null;
            case 7:
                return new ConnectionEnd(NextStep.Resume, false, ReconnectDelay.Immediate, null, "op 7 Reconnect");
            case 9:
                var resumable = root.TryGetProperty("d", out var d) && d.ValueKind == JsonValueKind.True;
                return resumable
                    ? new ConnectionEnd(NextStep.Resume, false, ReconnectDelay.Immediate, null, "op 9 Invalid Session (resumable)")
                    : new ConnectionEnd(NextStep.Identify, false, ReconnectDelay.InvalidSession, null, "op 9 Invalid Session (not resumable)");
            case 11:
                state.Acked = true;
                return null;
            default:
                return null;
        }
    }

    private void HandleDispatch(string? type, JsonElement d, ConnectionState state, ChannelWriter<Incoming> messages)
    {
        switch (type)
        {
            case "READY":
                // Read everything before keeping any of it: a READY without session_id must not leave half a session.
                var sessionId = DiscordJson.OptionalString(d, "session_id")
                    ?? throw new InvalidOperationException("READY has no session_id.");
                var resumeUrl = new Uri(DiscordJson.OptionalString(d, "resume_gateway_url")
                    ?? throw new InvalidOperationException("READY has no resume_gateway_url."));
                var user = DiscordJson.ParseUser(d.TryGetProperty("user", out var u) ? u : throw new InvalidOperationException("READY has no user."));
                var applicationId = d.TryGetProperty("application", out var application) && application.ValueKind == JsonValueKind.Object
                    ? DiscordJson.OptionalString(application, "id")
                    : null;
                _sessionId = sessionId;
                _resumeUrl = resumeUrl;
                if (applicationId is not null)
                    Volatile.Write(ref _applicationId, applicationId);
                Volatile.Write(ref _currentUser, user);
                state.Ready = true;
                Health.Ready();
                _ready.TrySetResult(user);
                Log.Ready(_logger, user.Id, user.Username);
                break;
            case "RESUMED":
                state.Ready = true;
                Health.Ready();
                Log.Resumed(_logger, Interlocked.Read(ref _sequence));
                break;
            case "MESSAGE_CREATE":
                DiscordIncomingMessage message;
                try
                {
                    message = DiscordJson.ParseMessage(d);
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    // A shape we do not understand is one lost message, not a reason to drop the connection.
                    Log.MalformedMessage(_logger, ex.Message);
                    return;
                }

                // Without the intent, empty content is what Discord promised for most guild messages: nothing to warn of.
                if (message.Content.Length == 0 && !message.Author.IsBot && message.WebhookId is null && !DiscordJson.HasNonTextParts(d)
                    && _options.EffectiveIntents.HasFlag(DiscordIntents.MessageContent)
                    && Interlocked.Exchange(ref _emptyContentWarned, 1) == 0)
                {
                    Log.EmptyContent(_logger, message.Id);
                }

                Enqueue(messages, new Incoming(message, null, null), message.Id);
                break;
            case "INTERACTION_CREATE":
                if (!_acceptInteractions)
                {
                    if (Interlocked.Exchange(ref _unhandledInteractionWarned, 1) == 0)
                        Log.InteractionsNotHandled(_logger);
                    return;
                }

                DiscordInteraction interaction;
                try
                {
                    interaction = DiscordInteractionJson.Parse(d);
                }
                catch (Exception ex) when (ex is FormatException or KeyNotFoundException or InvalidOperationException)
                {
                    // The parser's messages name fields, never the token.
                    Log.MalformedInteraction(_logger, ex.Message);
                    return;
                }

                Enqueue(messages, new Incoming(null, interaction, null), interaction.Id);
                break;
            case "GUILD_CREATE" or "GUILD_DELETE":
                // Only the id and the unavailable flag are read: a GUILD_DELETE with unavailable: true is an outage,
                // without it (or false) the bot was removed. Nothing else of the guild object is kept.
                if (OnGuild is null) return;
                var guildId = d.ValueKind == JsonValueKind.Object ? DiscordJson.OptionalString(d, "id") : null;
                if (guildId is null)
                {
                    Log.MalformedGuild(_logger, type);
                    return;
                }

                var unavailable = d.TryGetProperty("unavailable", out var flag) && flag.ValueKind == JsonValueKind.True;
                var change = type == "GUILD_CREATE" ? DiscordGuildChange.Available
                    : unavailable ? DiscordGuildChange.Unavailable : DiscordGuildChange.Removed;
                Enqueue(messages, new Incoming(null, null, new DiscordGuildEvent(guildId, change)), guildId);
                break;
        }
    }

    private void Enqueue(ChannelWriter<Incoming> messages, Incoming incoming, string id)
    {
        if (messages.TryWrite(incoming))
        {
            if (_dropped > 0)
            {
                Log.QueueRecovered(_logger, _dropped);
                _dropped = 0;
            }
        }
        else if (_dropped++ == 0)
        {
            Log.QueueFull(_logger, _options.MessageQueueCapacity, id);
        }
    }

    private async Task HeartbeatLoopAsync(GatewayConnection connection, TimeSpan interval, ConnectionState state, CancellationTokenSource connectionCts)
    {
        var ct = connectionCts.Token;
        try
        {
            // Docs: the first beat waits interval * jitter, so a gateway restart is not met by every client at once.
            await Task.Delay(interval * _random(), _time, ct);
            while (true)
            {
                if (!state.Acked)
                {
                    Log.Zombie(_logger, interval);
                    state.Decision = new ConnectionEnd(NextStep.Resume, false, ReconnectDelay.Backoff, null, "no heartbeat ACK (zombied connection)");
                    await connection.CloseAsync(ReconnectCloseCode, "zombied", CancellationToken.None);
                    await connectionCts.CancelAsync();
                    return;
                }

                state.Acked = false;
                await connection.SendAsync(HeartbeatPayload(), heartbeat: true, ct);
                await Task.Delay(interval, _time, ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection is ending; the receive loop decides what happens next.
        }
    }

    private ConnectionEnd FromClose(GatewayConnection connection, bool ready)
    {
        var code = (int?)connection.CloseStatus;
        var info = GatewayCloseCodes.Describe(code);
        var reason = $"{info.Code} {info.Name}: {info.Hint}";
        Log.Closed(_logger, code ?? 0, connection.CloseStatusDescription ?? "");
        if (!info.Reconnect)
            return new ConnectionEnd(NextStep.Stop, ready, ReconnectDelay.Backoff, info.Code, reason);
        return new ConnectionEnd(info.Resume ? NextStep.Resume : NextStep.Identify, ready, ReconnectDelay.Backoff, code, reason);
    }

    private static TimeSpan ReadHelloInterval(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.GetProperty("op").GetInt32() != 10)
                throw new WebSocketException("The gateway's first payload was not Hello (op 10).");
            var interval = root.GetProperty("d").GetProperty("heartbeat_interval").GetDouble();
            return interval > 0 ? TimeSpan.FromMilliseconds(interval) : throw new FormatException("heartbeat_interval is not positive");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Reported like a failed connection: logged once, then a fresh connection after the backoff.
            throw new WebSocketException($"The gateway's Hello could not be read ({ex.GetType().Name}: {ex.Message}).");
        }
    }

    private JsonObject HeartbeatPayload() => new() { ["op"] = 1, ["d"] = LastSequence is { } seq ? JsonValue.Create(seq) : null };

    internal long? LastSequence => Interlocked.Read(ref _sequence) is var seq and >= 0 ? seq : null;

    private JsonObject IdentifyPayload() => new()
    {
        ["op"] = 2,
        ["d"] = new JsonObject
        {
            ["token"] = _options.Token,
            ["intents"] = (int)_options.EffectiveIntents,
            ["properties"] = new JsonObject
            {
                ["os"] = OperatingSystemName(),
                ["browser"] = _options.ClientName,
                ["device"] = _options.ClientName,
            },
            ["shard"] = new JsonArray(_options.ShardId, _options.ShardCount),
        },
    };

    private JsonObject ResumePayload() => new()
    {
        ["op"] = 6,
        ["d"] = new JsonObject { ["token"] = _options.Token, ["session_id"] = _sessionId, ["seq"] = LastSequence },
    };

    private void ForgetSession()
    {
        _sessionId = null;
        _resumeUrl = null;
        Interlocked.Exchange(ref _sequence, -1);
    }

    /// <summary>Gateway and resume URLs come bare; the version and encoding go in the query every time.</summary>
    private static Uri GatewayUri(Uri baseUri) => new UriBuilder(baseUri) { Query = "v=10&encoding=json" }.Uri;

    private static string OperatingSystemName() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macos" : RuntimeInformation.OSDescription;

    private enum NextStep
    {
        Resume,
        Identify,
        Stop,
    }

    private enum ReconnectDelay
    {
        Immediate,
        Backoff,
        InvalidSession,
    }

    /// <summary>One queued dispatch: a message or an interaction.</summary>
    private sealed record Incoming(DiscordIncomingMessage? Message, DiscordInteraction? Interaction, DiscordGuildEvent? Guild);

    private sealed record ConnectionEnd(NextStep Step, bool Ready, ReconnectDelay Delay, int? CloseCode, string Reason);

    private sealed class ConnectionState
    {
        private volatile bool _acked = true;
        private volatile bool _ready;
        private volatile ConnectionEnd? _decision;

        public bool Acked { get => _acked; set => _acked = value; }

        public bool Ready { get => _ready; set => _ready = value; }

        /// <summary>Set by the heartbeat loop when it ends the connection itself.</summary>
        public ConnectionEnd? Decision { get => _decision; set => _decision = value; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Connecting to the Discord gateway {Url} (resume: {Resume})")]
        public static partial void Connecting(ILogger logger, string url, bool resume);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Discord READY as {UserId} ({Username})")]
        public static partial void Ready(ILogger logger, string userId, string username);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Discord session resumed at sequence {Sequence}")]
        public static partial void Resumed(ILogger logger, long sequence);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Gateway connection ended ({Reason}); resume: {Resume}, reconnecting in {Delay}")]
        public static partial void Reconnecting(ILogger logger, string reason, bool resume, TimeSpan delay);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "No heartbeat ACK within {Interval}: closing the zombied connection to resume")]
        public static partial void Zombie(ILogger logger, TimeSpan interval);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Gateway closed with {Code} {Description}")]
        public static partial void Closed(ILogger logger, int code, string description);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Critical, Message = "Discord gateway closed with {Code}, which must not be retried: {Reason}")]
        public static partial void Fatal(ILogger logger, int code, string reason);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Gateway connection failed ({Type}: {Error})")]
        public static partial void ConnectionFailed(ILogger logger, string type, string error);

        [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Delaying identify by {Wait}: {Why}")]
        public static partial void IdentifyDelayed(ILogger logger, TimeSpan wait, string why);

        [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Message {MessageId} arrived with empty content: the MESSAGE_CONTENT privileged intent is probably off. Enable it under Bot > Privileged Gateway Intents in the Discord Developer Portal and keep MessageContent in Discord:Intents, or set DISCORD_MESSAGE_CONTENT=false to say the bot runs without it. (Logged once.)")]
        public static partial void EmptyContent(ILogger logger, string messageId);

        [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Skipped a MESSAGE_CREATE that could not be read: {Error}")]
        public static partial void MalformedMessage(ILogger logger, string error);

        [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "The message queue is full ({Capacity} waiting for the handler): dropping new messages, starting with {MessageId}")]
        public static partial void QueueFull(ILogger logger, int capacity, string messageId);

        [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "The message queue has room again; {Dropped} message(s) were dropped while it was full")]
        public static partial void QueueRecovered(ILogger logger, long dropped);

        [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "Skipped an INTERACTION_CREATE that could not be read: {Error}")]
        public static partial void MalformedInteraction(ILogger logger, string error);

        [LoggerMessage(EventId = 1016, Level = LogLevel.Error, Message = "The interaction handler failed for interaction {InteractionId}")]
        public static partial void InteractionHandlerFailed(ILogger logger, Exception exception, string interactionId);

        [LoggerMessage(EventId = 1017, Level = LogLevel.Warning, Message = "INTERACTION_CREATE arrived but this host runs the gateway without an interaction handler: slash commands and buttons go unanswered. (Logged once.)")]
        public static partial void InteractionsNotHandled(ILogger logger);

        [LoggerMessage(EventId = 1018, Level = LogLevel.Warning, Message = "Skipped a {Type} without a guild id")]
        public static partial void MalformedGuild(ILogger logger, string? type);

        [LoggerMessage(EventId = 1019, Level = LogLevel.Error, Message = "The guild handler failed for server {GuildId} ({Change})")]
        public static partial void GuildHandlerFailed(ILogger logger, Exception exception, string guildId, DiscordGuildChange change);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "The message handler failed for message {MessageId}")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string messageId);
    }
}
