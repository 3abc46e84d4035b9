using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Testing;

/// <summary>One DynamoDB (or DynamoDB Streams) JSON request as it went over the wire.</summary>
/// <param name="Target">The <c>X-Amz-Target</c> header, e.g. <c>DynamoDB_20120810.PutItem</c>; null when absent.</param>
public sealed record ProxiedRequest(string? Target, byte[] Body)
{
    /// <summary><c>PutItem</c> of <c>DynamoDB_20120810.PutItem</c>.</summary>
    public string? Operation => Target is { } t && t.IndexOf('.') is var dot and >= 0 ? t[(dot + 1)..] : Target;

    /// <summary>Whether it went to the Streams API (<c>DynamoDBStreams_20120810.*</c>) rather than DynamoDB's.</summary>
    public bool IsStreams => Target?.StartsWith("DynamoDBStreams_", StringComparison.Ordinal) == true;
}

/// <summary>What answered a <see cref="ProxiedRequest"/>: the upstream, or an interceptor.</summary>
public sealed record ProxiedResponse(int Status, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// A small HTTP proxy in front of DynamoDB Local (or LocalStack): a process under test is pointed at <see cref="Url"/>
/// instead of the real endpoint, and every request passes through unchanged (body, headers and the response's CRC32
/// header kept byte for byte, so the AWS SDK's checks still hold). DynamoDB Local serves the DynamoDB and the Streams
/// APIs on one endpoint, so one proxy sees all of a process's traffic, its own signed Streams requests included.
/// </summary>
/// <remarks>
/// <para><see cref="Exchanged"/> observes every request with its answer (the IAM recording uses it);
/// <see cref="Intercept"/> may answer in the upstream's place (a fault harness can use it for throttles, 500s or
/// slow answers). One proxy per process under test keeps each process's calls apart.</para>
/// <para>Kestrel on 127.0.0.1 with a port of the OS's choosing.</para>
/// </remarks>
public sealed class DynamoDbProxy : IAsyncDisposable
{
    static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host", "Content-Length", "Expect",
    };

    readonly WebApplication _app;
    readonly HttpClient _upstream;

    DynamoDbProxy(WebApplication app, HttpClient upstream, Uri url)
    {
        _app = app;
        _upstream = upstream;
        Url = url;
    }

    /// <summary>Where to point the process: its <c>ServiceURL</c> / <c>AWS_ENDPOINT_URL</c>.</summary>
    public Uri Url { get; }

    /// <summary>Called once per request with its answer, before the answer is sent back; concurrent requests call it concurrently.</summary>
    public event Action<ProxiedRequest, ProxiedResponse>? Exchanged;

    /// <summary>Answers in the upstream's place when it returns a response; null lets the request through.</summary>
    public Func<ProxiedRequest, CancellationToken, ValueTask<ProxiedResponse?>>? Intercept { get; set; }

    public static async Task<DynamoDbProxy> StartAsync(Uri upstream, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var client = new HttpClient { BaseAddress = upstream, Timeout = TimeSpan.FromMinutes(2) };
        DynamoDbProxy? proxy = null;
        app.Run(context => proxy!.ForwardAsync(context));
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy = new DynamoDbProxy(app, client, new Uri(address));
        return proxy;
    }

    async Task ForwardAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, ct);
        var request = new ProxiedRequest(context.Request.Headers["X-Amz-Target"].FirstOrDefault(), buffer.ToArray());

        var response = Intercept is { } intercept ? await intercept(request, ct) : null;
        response ??= await SendUpstreamAsync(context.Request, request.Body, ct);

        // Observed before the answer leaves: a client that reads it may act on it at once (a recorder that maps
        // iterators to streams must know the next iterator before the client sends it).
        Exchanged?.Invoke(request, response);
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            if (!HopByHop.Contains(name)) context.Response.Headers.Append(name, value);
        }
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, ct);
    }

    async Task<ProxiedResponse> SendUpstreamAsync(HttpRequest incoming, byte[] body, CancellationToken ct)
    {
        using var outgoing = new HttpRequestMessage(new HttpMethod(incoming.Method), incoming.Path + incoming.QueryString)
        {
            Content = new ByteArrayContent(body),
        };
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!outgoing.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                outgoing.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        using var answer = await _upstream.SendAsync(outgoing, ct);
        var bytes = await answer.Content.ReadAsByteArrayAsync(ct);
        var headers = answer.Headers.Concat(answer.Content.Headers)
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)))
            .ToList();
        return new ProxiedResponse((int)answer.StatusCode, bytes, headers);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
