using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace EventBot.Discord.Gateway;

/// <summary>One WebSocket to the gateway: whole-message receives, and a single writer that enforces the send budget and size.</summary>
internal sealed class GatewayConnection : IAsyncDisposable
{
    /// <summary>The gateway rejects payloads over 4,096 bytes.</summary>
    public const int MaxPayloadBytes = 4096;

    private readonly ClientWebSocket _socket;
    private readonly GatewaySendLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly byte[] _buffer = new byte[16 * 1024];

    private readonly TimeSpan _closeTimeout;

    private GatewayConnection(ClientWebSocket socket, TimeProvider time, TimeSpan closeTimeout)
    {
        _socket = socket;
        _time = time;
        _closeTimeout = closeTimeout;
        _limiter = new GatewaySendLimiter(time);
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    public static async Task<GatewayConnection> ConnectAsync(Uri uri, TimeSpan timeout, TimeSpan closeTimeout, TimeProvider time, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        try
        {
            using var timeoutCts = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
            try
            {
                await socket.ConnectAsync(uri, linked.Token);
            }
            catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Connecting to the gateway timed out after {timeout}.");
            }

            return new GatewayConnection(socket, time, closeTimeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(JsonObject payload, bool heartbeat, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(payload.ToJsonString());
        if (bytes.Length > MaxPayloadBytes)
            throw new InvalidOperationException($"Gateway payload op {payload["op"]} is {bytes.Length} bytes; the gateway accepts at most {MaxPayloadBytes}.");
        await _limiter.AcquireAsync(heartbeat, ct);
        await _writer.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Reads frames until EndOfMessage; null when the server closed the connection.</summary>
    public async Task<string?> ReceiveAsync(CancellationToken ct)
    {
        var message = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await _socket.ReceiveAsync(_buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            message.Write(_buffer.AsSpan(0, result.Count));
            if (result.EndOfMessage)
                return Encoding.UTF8.GetString(message.WrittenSpan);
        }
    }

    /// <summary>
    /// Closes from our side. Any code but 1000/1001 keeps the session resumable, which is what every reconnect we
    /// start wants. Bounded, because a zombied server may never answer.
    /// </summary>
    public async Task CloseAsync(int code, string reason, CancellationToken ct)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        try
        {
            using var timeout = new CancellationTokenSource(_closeTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            await _writer.WaitAsync(linked.Token);
            try
            {
                await _socket.CloseOutputAsync((WebSocketCloseStatus)code, CloseDescription(reason), linked.Token);
            }
            finally
            {
                _writer.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: the socket is dropped right after either way.
        }
    }

    /// <summary>A close frame's description holds at most 123 UTF-8 bytes (RFC 6455); longer reasons are cut.</summary>
    internal static string CloseDescription(string reason)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(reason) <= 123) return reason;
        var cut = reason.Length;
        while (System.Text.Encoding.UTF8.GetByteCount(reason.AsSpan(0, cut)) > 123 || char.IsHighSurrogate(reason[cut - 1])) cut--;
        return reason[..cut];
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}
