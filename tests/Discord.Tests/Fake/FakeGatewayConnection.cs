using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace EventBot.Discord.Tests.Fake;

/// <summary>The server side of one gateway WebSocket: records what the client sent and lets a test act as Discord.</summary>
public sealed class FakeGatewayConnection
{
    private readonly WebSocket _socket;
    private readonly HttpContext _context;
    private readonly FakeDiscordServer _server;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<JsonElement> _received = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal FakeGatewayConnection(int index, HttpContext context, WebSocket socket, FakeDiscordServer server)
    {
        Index = index;
        _context = context;
        _socket = socket;
        _server = server;
        Path = context.Request.Path.Value ?? "";
        Query = context.Request.QueryString.Value ?? "";
        OpenedAt = server.Time.GetUtcNow();
    }

    public int Index { get; }

    /// <summary>"/gateway" for a fresh connection, "/resume-gateway" when the client used READY's resume_gateway_url.</summary>
    public string Path { get; }

    public string Query { get; }

    public DateTimeOffset OpenedAt { get; }

    public DateTimeOffset? HelloSentAt { get; internal set; }

    /// <summary>The close code the client sent, if it closed the connection itself.</summary>
    public int? ClientCloseCode { get; private set; }

    public Task Ended => _ended.Task;

    /// <summary>The session this connection identified or resumed; null before.</summary>
    public FakeGatewaySession? Session { get; internal set; }

    public IReadOnlyList<JsonElement> Received
    {
        get
        {
            lock (_gate)
                return [.. _received];
        }
    }

    /// <summary>Times (on the server's clock) at which heartbeats (op 1) arrived.</summary>
    public List<DateTimeOffset> HeartbeatTimes { get; } = [];

    public IEnumerable<JsonElement> ReceivedOp(int op) => Received.Where(p => p.GetProperty("op").GetInt32() == op);

    public async Task<JsonElement> WaitForOpAsync(int op, TimeSpan? timeout = null)
    {
        await Wait.UntilAsync(() => ReceivedOp(op).Any(), timeout, $"op {op} on connection {Index}");
        return ReceivedOp(op).First();
    }

    public Task SendOpAsync(int op, JsonNode? d) => SendAsync(new JsonObject { ["op"] = op, ["d"] = d });

    /// <summary>Sends a dispatch with the session's next sequence number, and keeps it for resume replay.</summary>
    public Task DispatchAsync(string type, JsonObject d)
    {
        var session = Session ?? throw new InvalidOperationException("Dispatch before identify/resume.");
        var seq = session.Append(type, d);
        return SendAsync(new JsonObject { ["op"] = 0, ["s"] = seq, ["t"] = type, ["d"] = d.DeepClone() });
    }

    /// <summary>Sends a MESSAGE_CREATE shaped like the Message resource docs.</summary>
    public Task DispatchMessageAsync(string id, string content, string authorId = "200000000000000002", bool authorIsBot = false,
        string? webhookId = null, string channelId = "300000000000000003", string? guildId = "400000000000000004", params (string Id, string Name)[] mentions)
    {
        var d = new JsonObject
        {
            ["id"] = id,
            ["channel_id"] = channelId,
            ["author"] = new JsonObject { ["id"] = authorId, ["username"] = "someone", ["global_name"] = "Some One", ["bot"] = authorIsBot },
            ["content"] = content,
            ["timestamp"] = "2026-11-27T17:00:00.000000+00:00",
            ["tts"] = false,
            ["mention_everyone"] = false,
            ["mentions"] = new JsonArray(mentions.Select(m => (JsonNode?)new JsonObject { ["id"] = m.Id, ["username"] = m.Name }).ToArray()),
            ["attachments"] = new JsonArray(),
            ["embeds"] = new JsonArray(),
            ["type"] = 0,
        };
        if (guildId is not null)
            d["guild_id"] = guildId;
        if (webhookId is not null)
            d["webhook_id"] = webhookId;

        // Discord's rule for an app without MESSAGE_CONTENT: content, embeds and attachments arrive empty, except in DMs,
        // in messages that mention the app and in the app's own messages.
        var withoutIntent = Session is { } s && (s.Intents & FakeDiscordServer.MessageContentIntent) == 0;
        if (withoutIntent && guildId is not null && authorId != _server.BotUserId && mentions.All(m => m.Id != _server.BotUserId))
            d["content"] = "";
        return DispatchAsync("MESSAGE_CREATE", d);
    }

    /// <summary>A GUILD_CREATE (a bit of a Guild object) for <paramref name="id"/>.</summary>
    public Task DispatchGuildCreateAsync(string id) =>
        DispatchAsync("GUILD_CREATE", new JsonObject { ["id"] = id, ["name"] = "a server", ["unavailable"] = false, ["member_count"] = 3 });

    /// <summary>
    /// A GUILD_DELETE (an Unavailable Guild object): <paramref name="unavailable"/> true is an outage, false is sent
    /// as <c>false</c>, null leaves the field out (both mean the bot was removed).
    /// </summary>
    public Task DispatchGuildDeleteAsync(string id, bool? unavailable)
    {
        var d = new JsonObject { ["id"] = id };
        if (unavailable is { } flag) d["unavailable"] = flag;
        return DispatchAsync("GUILD_DELETE", d);
    }

    /// <summary>
    /// Sends an INTERACTION_CREATE (an Interaction object, e.g. from <see cref="FakeInteractions"/>) and lets the fake
    /// accept its callback, edits and follow-ups.
    /// </summary>
    public Task DispatchInteractionAsync(JsonObject interaction)
    {
        _server.RegisterInteraction(interaction);
        return DispatchAsync("INTERACTION_CREATE", interaction);
    }

    public async Task SendAsync(JsonObject payload, int fragments = 1)
    {
        var bytes = Encoding.UTF8.GetBytes(payload.ToJsonString());
        await _sendLock.WaitAsync();
        try
        {
            // Fragments exercise the client's "read until EndOfMessage" path.
            var size = (bytes.Length + fragments - 1) / fragments;
            for (var offset = 0; offset < bytes.Length; offset += size)
            {
                var count = Math.Min(size, bytes.Length - offset);
                await _socket.SendAsync(bytes.AsMemory(offset, count), WebSocketMessageType.Text, offset + count >= bytes.Length, CancellationToken.None);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes like Discord does: a close frame with the given code.</summary>
    /// <remarks>
    /// The client drops the TCP connection as soon as it reads the frame. On a loaded machine that can happen between
    /// the frame's write and its flush, and the flush then fails on an aborted socket. Discord sees the same drop and
    /// carries on; so does the fake. A frame that never reached the client shows in the test's assertions instead
    /// (the client would resume or time out rather than act on the code).
    /// </remarks>
    public async Task CloseAsync(int code, string reason = "")
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client already dropped the connection.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>A network drop: the TCP connection dies without a close frame.</summary>
    public void Abort()
    {
        if (_ended.Task.IsCompleted)
            return;
        try
        {
            _socket.Abort();
            _context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request finished meanwhile: nothing left to drop.
        }
    }

    internal async Task RunAsync(CancellationToken ct)
    {
        try
        {
            var buffer = new byte[8192];
            var message = new ArrayBufferWriter<byte>();
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ClientCloseCode = (int?)_socket.CloseStatus;
                    if (_socket.State == WebSocketState.CloseReceived)
                        await CloseAsync(ClientCloseCode ?? 1000, "bye");
                    return;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                    continue;
                var payload = JsonDocument.Parse(message.WrittenMemory).RootElement.Clone();
                message.Clear();
                if (payload.GetProperty("op").GetInt32() == 1)
                {
                    lock (_gate)
                        HeartbeatTimes.Add(_server.Time.GetUtcNow());
                }

                lock (_gate)
                    _received.Add(payload);
                await _server.HandleClientPayloadAsync(this, payload);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ConnectionAbortedException or IOException)
        {
            // Aborted by a test, by the client, or by shutdown.
        }
        finally
        {
            _ended.TrySetResult();
        }
    }
}
