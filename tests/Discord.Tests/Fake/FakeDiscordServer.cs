using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Discord.Tests.Fake;

/// <summary>
/// An in-process Discord (REST + Gateway v10) on 127.0.0.1, written from the developer docs, with knobs for the faults
/// a real bot meets: missing ACKs, op 7, op 9, any close code, dropped TCP, slow Hello, rate limits, 5xx and 401.
/// Interactions (FakeDiscordServer.Interactions.cs): callbacks, edits of @original, follow-ups and the command registry.
/// </summary>
public sealed partial class FakeDiscordServer : IAsyncDisposable
{
    public const string DefaultToken = "MTAwMDAwMDAwMDAwMDAwMDAx.FakeTk.s3cr3t-fake-token-value";

    /// <summary>Not the bot user's id on purpose: code that confuses the two fails against the fake.</summary>
    public const string DefaultApplicationId = "110000000000000011";

    /// <summary>The privileged MESSAGE_CONTENT intent bit.</summary>
    public const int MessageContentIntent = 1 << 15;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeRestResponse> _restScript = new();
    private readonly ConcurrentQueue<TimeSpan> _helloDelays = new();
    private readonly ConcurrentDictionary<string, FakeGatewaySession> _sessions = new();
    private readonly List<FakeGatewayConnection> _connections = [];
    private readonly List<FakeRecordedRequest> _requests = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private int _sessionCounter;

    private FakeDiscordServer(WebApplication app, TimeProvider time)
    {
        _app = app;
        Time = time;
    }

    /// <summary>Clock used to stamp what the fake observes; pass the client's (accelerated) clock to compare in its time.</summary>
    public TimeProvider Time { get; }

    public string Token { get; set; } = DefaultToken;

    public string BaseAddress { get; private set; } = "";

    /// <summary>The value for <see cref="DiscordOptions.ApiBaseUrl"/>.</summary>
    public string ApiBaseUrl => BaseAddress + "/api/v10";

    public string BotUserId { get; set; } = "100000000000000001";

    /// <summary>READY's <c>application.id</c> and the id <c>GET /applications/@me</c> answers.</summary>
    public string ApplicationId { get; set; } = DefaultApplicationId;

    /// <summary>Hello's heartbeat_interval in milliseconds.</summary>
    public int HeartbeatIntervalMs { get; set; } = 41_250;

    /// <summary>False to drop heartbeat ACKs (op 11), making the connection look zombied.</summary>
    public bool AckHeartbeats { get; set; } = true;

    /// <summary>Intents the "Developer Portal" allows; identifying with others closes 4014. Default: all.</summary>
    public int AllowedIntents { get; set; } = int.MaxValue;

    /// <summary>When set, the next identify is answered with this close code instead of READY (then it resets).</summary>
    public int? CloseCodeOnNextIdentify { get; set; }

    /// <summary>The next READY leaves out <c>session_id</c> (a malformed payload the client must survive).</summary>
    public bool OmitSessionIdOnNextReady { get; set; }

    public int SessionStartTotal { get; set; } = 1000;

    public int SessionStartRemaining { get; set; } = 1000;

    public int SessionStartResetAfterMs { get; set; } = 14_400_000;

    public int MaxConcurrency { get; set; } = 1;

    /// <summary>The <c>shards</c> GET /gateway/bot recommends.</summary>
    public int RecommendedShards { get; set; } = 1;

    /// <summary>When set, GET /gateway/bot answers this instead.</summary>
    public FakeRestResponse? GatewayBotOverride { get; set; }

    public IReadOnlyList<FakeGatewayConnection> Connections
    {
        get
        {
            lock (_gate)
                return [.. _connections];
        }
    }

    public IReadOnlyList<FakeRecordedRequest> Requests
    {
        get
        {
            lock (_gate)
                return [.. _requests];
        }
    }

    public IEnumerable<FakeRecordedRequest> MessageRequests => Requests.Where(r => r.Path.Contains("/messages", StringComparison.Ordinal));

    public static async Task<FakeDiscordServer> StartAsync(TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeDiscordServer(app, time ?? TimeProvider.System);
        app.UseWebSockets();
        app.Map("/gateway", server.AcceptGatewayAsync);
        app.Map("/resume-gateway", server.AcceptGatewayAsync);
        app.MapGet("/api/v10/gateway/bot", (Delegate)server.GatewayBot);
        app.MapGet("/api/v10/users/@me", (Delegate)server.CurrentUser);
        app.MapPost("/api/v10/channels/{channelId}/messages", (Delegate)server.CreateMessage);
        server.MapInteractionRoutes(app);
        server.MapUploadRoutes(app);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        server.BaseAddress = addresses.Addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return server;
    }

    /// <summary>Queues answers for the next message/user requests (first in, first out); unscripted requests succeed.</summary>
    public void EnqueueRest(params FakeRestResponse[] responses)
    {
        foreach (var response in responses)
            _restScript.Enqueue(response);
    }

    /// <summary>Drops every session, as when Discord has expired them: the next resume gets op 9 d=false.</summary>
    public void ForgetSessions() => _sessions.Clear();

    /// <summary>Delays Hello on the next connection(s), one entry per connection.</summary>
    public void DelayNextHello(TimeSpan delay) => _helloDelays.Enqueue(delay);

    public async Task<FakeGatewayConnection> WaitForConnectionAsync(int index, TimeSpan? timeout = null)
    {
        await Wait.UntilAsync(() => Connections.Count > index, timeout, $"gateway connection #{index}");
        return Connections[index];
    }

    /// <summary>Waits until connection <paramref name="index"/> has READY or RESUMED, i.e. the client may be scripted further.</summary>
    public async Task<FakeGatewayConnection> WaitForSessionAsync(int index, TimeSpan? timeout = null)
    {
        var connection = await WaitForConnectionAsync(index, timeout);
        await Wait.UntilAsync(() => connection.Session is not null, timeout, $"session on connection #{index}");
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        foreach (var connection in Connections)
            connection.Abort();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _shutdown.Dispose();
    }

    private async Task AcceptGatewayAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        FakeGatewayConnection connection;
        lock (_gate)
        {
            connection = new FakeGatewayConnection(_connections.Count, context, socket, this);
            _connections.Add(connection);
        }

        if (_helloDelays.TryDequeue(out var delay))
            await Task.Delay(delay);
        connection.HelloSentAt = Time.GetUtcNow();
        await connection.SendOpAsync(10, new JsonObject { ["heartbeat_interval"] = HeartbeatIntervalMs });
        await connection.RunAsync(_shutdown.Token);
    }

    internal async Task HandleClientPayloadAsync(FakeGatewayConnection connection, JsonElement payload)
    {
        var op = payload.GetProperty("op").GetInt32();
        switch (op)
        {
            case 1 when AckHeartbeats:
                await connection.SendOpAsync(11, null);
                break;
            case 2:
                await IdentifyAsync(connection, payload.GetProperty("d"));
                break;
            case 6:
                await ResumeAsync(connection, payload.GetProperty("d"));
                break;
        }
    }

    private async Task IdentifyAsync(FakeGatewayConnection connection, JsonElement d)
    {
        if (d.GetProperty("token").GetString() != Token)
        {
            await connection.CloseAsync(4004, "Authentication failed.");
            return;
        }

        if ((d.GetProperty("intents").GetInt32() & ~AllowedIntents) != 0)
        {
            await connection.CloseAsync(4014, "Disallowed intent(s).");
            return;
        }

        if (CloseCodeOnNextIdentify is { } code)
        {
            CloseCodeOnNextIdentify = null;
            await connection.CloseAsync(code, "Scripted close.");
            return;
        }

        var session = new FakeGatewaySession($"fake-session-{Interlocked.Increment(ref _sessionCounter)}", d.GetProperty("intents").GetInt32());
        _sessions[session.Id] = session;
        connection.Session = session;
        var shard = d.TryGetProperty("shard", out var s) ? JsonNode.Parse(s.GetRawText()) : null;
        var ready = new JsonObject
        {
            ["v"] = 10,
            ["user"] = new JsonObject { ["id"] = BotUserId, ["username"] = "eventbot", ["global_name"] = null, ["bot"] = true, ["discriminator"] = "0" },
            ["guilds"] = new JsonArray(),
            ["session_id"] = session.Id,
            ["resume_gateway_url"] = BaseAddress.Replace("http://", "ws://", StringComparison.Ordinal) + "/resume-gateway",
            ["shard"] = shard,
            ["application"] = new JsonObject { ["id"] = ApplicationId, ["flags"] = 0 },
        };
        if (OmitSessionIdOnNextReady)
        {
            OmitSessionIdOnNextReady = false;
            ready.Remove("session_id");
        }

        await connection.DispatchAsync("READY", ready);
    }

    private async Task ResumeAsync(FakeGatewayConnection connection, JsonElement d)
    {
        if (d.GetProperty("token").GetString() != Token)
        {
            await connection.CloseAsync(4004, "Authentication failed.");
            return;
        }

        // Unknown session: Discord answers op 9 with d=false.
        if (!_sessions.TryGetValue(d.GetProperty("session_id").GetString() ?? "", out var session))
        {
            await connection.SendOpAsync(9, false);
            return;
        }

        var seq = d.GetProperty("seq").ValueKind == JsonValueKind.Number ? d.GetProperty("seq").GetInt64() : 0;
        if (seq > session.Sequence)
        {
            await connection.CloseAsync(4007, "Invalid seq.");
            return;
        }

        connection.Session = session;
        foreach (var (s, type, data) in session.After(seq))
            await connection.SendAsync(new JsonObject { ["op"] = 0, ["s"] = s, ["t"] = type, ["d"] = data.DeepClone() });
        await connection.DispatchAsync("RESUMED", new JsonObject());
    }

    private IResult GatewayBot(HttpContext context)
    {
        if (Record(context, "") is { } unauthorized)
            return unauthorized;
        if (GatewayBotOverride is { } scripted)
            return Scripted(context, scripted);
        return Results.Json(new JsonObject
        {
            ["url"] = BaseAddress.Replace("http://", "ws://", StringComparison.Ordinal) + "/gateway",
            ["shards"] = RecommendedShards,
            ["session_start_limit"] = new JsonObject
            {
                ["total"] = SessionStartTotal,
                ["remaining"] = SessionStartRemaining,
                ["reset_after"] = SessionStartResetAfterMs,
                ["max_concurrency"] = MaxConcurrency,
            },
        });
    }

    private IResult CurrentUser(HttpContext context)
    {
        if (Record(context, "") is { } unauthorized)
            return unauthorized;
        if (_restScript.TryDequeue(out var scripted))
            return Scripted(context, scripted);
        return Results.Json(new JsonObject { ["id"] = BotUserId, ["username"] = "eventbot", ["global_name"] = "EventBot", ["bot"] = true });
    }

    private async Task<IResult> CreateMessage(HttpContext context, string channelId)
    {
        var message = await ReadMessageBodyAsync(context);
        var body = message.Json;
        if (Record(context, body, files: message.Files) is { } unauthorized)
            return unauthorized;
        if (message.Error is { } refused)
            return Scripted(context, refused);
        if (_restScript.TryDequeue(out var scripted))
        {
            if (scripted.Delay is { } delay)
                await Task.Delay(delay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Scripted(context, scripted);
        }
        if (DmRecipient(channelId) is { } recipient && ClosedDms.ContainsKey(recipient))
            return Scripted(context, new FakeRestResponse(403, """{"message":"Cannot send messages to this user","code":50007}"""));

        context.Response.Headers["X-RateLimit-Limit"] = "5";
        context.Response.Headers["X-RateLimit-Remaining"] = "4";
        context.Response.Headers["X-RateLimit-Reset-After"] = "5.000";
        context.Response.Headers["X-RateLimit-Bucket"] = "fake-bucket";
        var sent = JsonNode.Parse(body)!.AsObject();
        return Results.Json(new JsonObject
        {
            ["id"] = "9" + Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999),
            ["channel_id"] = channelId,
            ["content"] = sent["content"]?.DeepClone(),
            ["author"] = new JsonObject { ["id"] = BotUserId, ["username"] = "eventbot", ["bot"] = true },
            ["attachments"] = Attachments(message.Files),
        });
    }

    /// <summary>Records the request; answers 401 like Discord when the Authorization header is not "Bot {token}".</summary>
    private IResult? Record(HttpContext context, string body, bool requireBotToken = true, IReadOnlyList<FakeUploadedFile>? files = null)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        lock (_gate)
        {
            _requests.Add(new FakeRecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", authorization,
                context.Request.Headers.UserAgent.ToString(), body, Time.GetUtcNow(), files ?? []));
        }

        return !requireBotToken || authorization == $"Bot {Token}" ? null : Scripted(context, FakeRestResponse.Unauthorized());
    }

    /// <summary>The <c>attachments</c> of the message Discord answers: one per uploaded file.</summary>
    private JsonArray Attachments(IReadOnlyList<FakeUploadedFile> files) =>
        [.. files.Select(f => (JsonNode?)new JsonObject
        {
            ["id"] = NextSnowflake(),
            ["filename"] = f.FileName,
            ["size"] = f.Content.Length,
            ["content_type"] = f.ContentType,
            ["url"] = $"{BaseAddress}/attachments/{f.FileName}",
        })];

    private static IResult Scripted(HttpContext context, FakeRestResponse response)
    {
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
        return Results.Content(response.Body, response.ContentType, statusCode: response.Status);
    }
}
