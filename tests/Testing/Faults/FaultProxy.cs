using System.Net;
using System.Net.Sockets;

namespace EventBot.Testing.Faults;

/// <summary>
/// An HTTP proxy in front of DynamoDB Local for processes of their own (the bot, <c>projector</c>): point their
/// <c>AWS_ENDPOINT_URL</c> at <see cref="Url"/> and every request goes through a <see cref="FaultInjector"/>.
/// Signatures stay valid for DynamoDB Local's purposes (it checks their shape, not the host they were made for).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Expect", "Proxy-Connection", "TE", "Upgrade",
    };

    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FaultProxy(Uri target, FaultInjector injector)
    {
        _target = target;
        Injector = injector;
        _upstream = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = TimeSpan.FromMinutes(2) };
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Url { get; }

    public FaultInjector Injector { get; }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                continue;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, context.Request.ContentEncoding))
                body = await reader.ReadToEndAsync(_stop.Token);
            var target = context.Request.Headers["X-Amz-Target"] ?? "";
            var kind = Injector.Decide(target);
            switch (kind)
            {
                case FaultKind.Drop:
                    context.Response.Abort();
                    return;
                case FaultKind.Throttle or FaultKind.ServerError or FaultKind.Conflict:
                    await WriteAsync(context, Injector.Answer(kind, target, body));
                    return;
                case FaultKind.Slow:
                    await Task.Delay(Injector.Plan.SlowDelay, _stop.Token);
                    break;
            }

            using var forward = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_target, context.Request.Url!.PathAndQuery))
            {
                Content = new StringContent(body),
            };
            forward.Content.Headers.Clear();
            foreach (var name in context.Request.Headers.AllKeys)
            {
                if (name is null || HopHeaders.Contains(name)) continue;
                var value = context.Request.Headers[name]!;
                if (!forward.Headers.TryAddWithoutValidation(name, value)) forward.Content.Headers.TryAddWithoutValidation(name, value);
            }
            using var response = await _upstream.SendAsync(forward, _stop.Token);
            var answer = await response.Content.ReadAsByteArrayAsync(_stop.Token);
            if (kind == FaultKind.LostResponse)
            {
                await WriteAsync(context, Injector.Answer(kind, target, body));
                return;
            }
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (HopHeaders.Contains(header.Key)) continue;
                context.Response.Headers[header.Key] = string.Join(",", header.Value);
            }
            context.Response.ContentLength64 = answer.Length;
            await context.Response.OutputStream.WriteAsync(answer, _stop.Token);
            context.Response.Close();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            context.Response.Abort();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The client or DynamoDB Local went away mid-request: a dropped connection is a fault like any other.
            context.Response.Abort();
        }
    }

    private static async Task WriteAsync(HttpListenerContext context, (HttpStatusCode Status, string Body) answer)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(answer.Body);
        context.Response.StatusCode = (int)answer.Status;
        context.Response.ContentType = "application/x-amz-json-1.0";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
        _upstream.Dispose();
        _stop.Dispose();
    }
}
