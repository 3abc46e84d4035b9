using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.DynamoDBv2;
using EventBot.Bot.Adapters.Http;
using EventBot.EventStore.DynamoDb;
using NSec.Cryptography;

namespace EventBot.Bench;

/// <summary>
/// The HTTP interactions endpoint as Discord meets it: a fresh <c>serve</c> process (the bot's own executable, its own
/// runtime start, JIT and composition) from <c>Process.Start</c> to its first signed command answered, and then the
/// p99 of signed commands on the warm process. The command is <c>/remember get key:wifi</c> in a server: verified with a
/// real Ed25519 key pair, then the real slash-command handler (binding, the server's lane, the pipeline, a read-model
/// query). Nothing is ever set, so no read waits for a pending write (with the projector off on DynamoDB, one would).
/// Signed PINGs on the warm process are reported beside it, for the endpoint's own share.
/// </summary>
public static class HttpInteractionScenarios
{
    public static async Task<List<BenchMetric>> ColdAndWarmAsync(BenchSizes sizes, string dir, string? dynamoPrefix, CancellationToken ct)
    {
        var store = dynamoPrefix is null ? "sqlite" : "dynamodb";
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["EVENTBOT_DATA_DIR"] = dir,
            ["EVENTBOT_HTTP_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["DISCORD_PUBLIC_KEY"] = Convert.ToHexString(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)),
            ["EVENTBOT_LOG_FORMAT"] = "text",
        };
        if (dynamoPrefix is not null)
        {
            // Tables first, as an operator makes them: the cold start is the function's, not table creation's.
            using var client = new AmazonDynamoDBClient();
            var tables = await EventBotTableAdmin.CreateAsync(client, dynamoPrefix, ct);
            if (!tables.IsOk) throw new InvalidOperationException(tables.ToString());
            environment["EVENTBOT_STORE"] = "dynamodb";
            environment["EVENTBOT_TABLE_PREFIX"] = dynamoPrefix;
            environment["EVENTBOT_PROJECTOR"] = "off";
        }

        var runs = Math.Max(1, sizes.CommandsDynamo / 5);
        var cold = new Samples();
        var warm = new Samples();
        var pings = new Samples();
        var deferredCold = 0;
        var deferredWarm = 0;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        for (var run = 0; run < runs; run++)
        {
            var start = Stopwatch.GetTimestamp();
            using var process = StartServe(environment);
            // Drained all along, so the child never blocks on a full pipe; its text is the reason if it dies.
            var errors = process.StandardError.ReadToEndAsync(ct);
            try
            {
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    if (process.HasExited) throw new InvalidOperationException($"serve exited {process.ExitCode}: {await errors}");
                    try
                    {
                        using var answer = await SendCommandAsync(http, key, $"{run + 1}000000", ct);
                        if (await AnswerTypeAsync(answer, ct) == 5) deferredCold++;
                        break;
                    }
                    catch (HttpRequestException)
                    {
                        await Task.Delay(5, ct);
                    }
                }
                cold.Add(Stopwatch.GetTimestamp() - start);

                if (run == runs - 1)
                {
                    for (var i = 0; i < sizes.CommandsSqlite; i++)
                    {
                        var sent = Stopwatch.GetTimestamp();
                        using var answer = await SendCommandAsync(http, key, $"{run + 1}{i + 1:000000}", ct);
                        if (await AnswerTypeAsync(answer, ct) == 5) deferredWarm++;
                        warm.Add(Stopwatch.GetTimestamp() - sent);
                        sent = Stopwatch.GetTimestamp();
                        using var pong = await SendPingAsync(http, key, ct);
                        if (await AnswerTypeAsync(pong, ct) != 1) throw new InvalidOperationException("serve answered a signed PING without a PONG");
                        pings.Add(Stopwatch.GetTimestamp() - sent);
                    }
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        var suffix = dynamoPrefix is null ? "" : "_dynamodb";
        var where = dynamoPrefix is null ? "SQLite" : "DynamoDB Local";
        return
        [
            new($"interaction_cold_ms{suffix}", cold.PercentileMs(50), "ms", null, null, dynamoPrefix is null ? "≤ 1,500" : null, store,
                $"fresh `serve` process ({where}) from Process.Start to its first signed `/remember get` answered 200, median of {runs}; {deferredCold} of them deferred (type 5)"),
            new($"interaction_warm_ms{suffix}", warm.PercentileMs(99), "ms p99", null, null, dynamoPrefix is null ? "≤ 100" : null, store,
                $"signed `/remember get` commands to the warm process over loopback HTTP, {warm.Count} in a row, {deferredWarm} deferred; p50 {warm.PercentileMs(50):0.0} ms; signed PINGs between them p99 {pings.PercentileMs(99):0.0} ms"),
        ];
    }

    /// <summary>The answer's interaction callback type; anything but 200 is the bench's failure.</summary>
    private static async Task<int> AnswerTypeAsync(HttpResponseMessage answer, CancellationToken ct)
    {
        var text = await answer.Content.ReadAsStringAsync(ct);
        if (answer.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"serve answered {(int)answer.StatusCode} to a signed interaction: {text}");
        var root = System.Text.Json.JsonDocument.Parse(text).RootElement;
        var type = root.GetProperty("type").GetInt32();
        if (type == 4 && root.GetProperty("data").GetProperty("content").GetString() is { } content && content.Contains("failed on my side", StringComparison.Ordinal))
            throw new InvalidOperationException($"serve failed the command: {content}");
        return type;
    }

    private static Task<HttpResponseMessage> SendPingAsync(HttpClient http, Key key, CancellationToken ct) =>
        SendAsync(http, key, Encoding.UTF8.GetBytes("""{"id":"1","application_id":"1","type":1,"token":"bench","version":1}"""), ct);

    /// <summary>A signed <c>/remember get key:wifi</c> in a server, as Discord sends it; <paramref name="id"/> is its idempotency key.</summary>
    private static Task<HttpResponseMessage> SendCommandAsync(HttpClient http, Key key, string id, CancellationToken ct) =>
        SendAsync(http, key, Encoding.UTF8.GetBytes($$$"""
            {"id":"{{{id}}}","application_id":"1","type":2,"token":"bench","version":1,"guild_id":"200000000000000002","channel_id":"300000000000000003",
             "member":{"permissions":"2147483647","user":{"id":"100000000000000001","username":"bench","global_name":"Bench"}},
             "data":{"id":"500","name":"remember","type":1,"options":[{"name":"get","type":1,"options":[{"name":"key","type":3,"value":"wifi"}]}]}}
            """), ct);

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, Key key, byte[] body, CancellationToken ct)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, [.. Encoding.UTF8.GetBytes(timestamp), .. body]);
        var request = new HttpRequestMessage(HttpMethod.Post, HttpInteractionsRegistration.Route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(InteractionEndpoint.SignatureHeader, Convert.ToHexString(signature));
        request.Headers.Add(InteractionEndpoint.TimestampHeader, timestamp);
        return http.SendAsync(request, ct);
    }

    /// <summary>The bot's own entry point (<c>EventBot.Bot.dll serve</c>) under this process's runtime configuration and
    /// dependencies, as <see cref="ChildScenarios"/> runs its children.</summary>
    private static Process StartServe(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = false, RedirectStandardError = true, UseShellExecute = false, FileName = "dotnet" };
        var deps = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var runtimeConfig = deps?.Replace(".deps.json", ".runtimeconfig.json", StringComparison.Ordinal);
        start.ArgumentList.Add("exec");
        if (deps is not null && File.Exists(deps) && File.Exists(runtimeConfig))
            foreach (var arg in new[] { "--runtimeconfig", runtimeConfig, "--depsfile", deps }) start.ArgumentList.Add(arg);
        start.ArgumentList.Add(typeof(EventBot.Bot.Cli.ServeVerb).Assembly.Location);
        start.ArgumentList.Add("serve");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start serve");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
