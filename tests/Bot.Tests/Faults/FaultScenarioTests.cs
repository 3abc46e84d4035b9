using System.Diagnostics;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using EventBot.EventStore.DynamoDb;
using EventBot.EventStore.Faults;
using EventBot.Testing;
using EventBot.Testing.Faults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace EventBot.Bot.Tests.Faults;

/// <summary>
/// The bot (store = dynamodb, projector off) and a separate <c>projector</c> process, both talking to DynamoDB Local
/// through the fault proxy: 15 % throttling, 5 % 500s, 15 % transaction conflicts (plus a few slow answers, dropped
/// connections and lost answers). Both keep running, every message gets a reply, at most 5 % say "try again", every
/// reply that claims success has its event, and once the faults stop the read models equal a rebuild.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class FaultScenarioTests(DynamoDbLocalFixture dynamo, ITestOutputHelper output)
{
    private const int Commands = 200;
    private const int Lanes = 8;

    private static readonly string[] SuccessPrefixes = ["Remembered `", "Updated `", "Forgot `", "You called ", "🎲 ", "You: ", "✨ "];

    [Fact]
    public async Task The_bot_and_a_projector_under_throttling_5xx_and_conflicts_keep_running_answer_everything_and_lose_nothing()
    {
        var prefix = $"f{Guid.NewGuid():N}-";
        await EventBotTableAdmin.CreateAsync(dynamo.Client, prefix, default);
        var plan = new FaultPlan { Throttle = 0.15, ServerError = 0.05, Conflict = 0.15, Slow = 0.02, Drop = 0.01, LostResponse = 0.01, Seed = 14 };
        await using var proxy = new FaultProxy(dynamo.ServiceUrl, new FaultInjector(plan));
        var dataDir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string?>
        {
            ["EVENTBOT_STORE"] = "dynamodb",
            ["EVENTBOT_PROJECTOR"] = "off",
            ["EVENTBOT_TABLE_PREFIX"] = prefix,
            ["EVENTBOT_DATA_DIR"] = dataDir,
            ["EVENTBOT_READ_YOUR_WRITES_MS"] = "1000",
            ["EVENTBOT_SPARKLE_COOLDOWN_SECONDS"] = "0",
        };

        using var projector = BotProcess.Start(["projector"], environment, proxy.Url);
        var host = BuildBot(environment, proxy.Url);
        await host.StartAsync();
        var bot = host.Services.GetRequiredService<ChatBot>();
        var retry = host.Services.GetRequiredService<TransientRetry>();

        // Eight servers at once, each in order: 200 messages of every write and read kind.
        var clock = Stopwatch.StartNew();
        var replies = new (string Source, string Command, string? Reply)[Commands];
        await Task.WhenAll(Enumerable.Range(0, Lanes).Select(lane => Task.Run(async () =>
        {
            var guild = GuildId.FromName($"fault-server-{lane}");
            for (var i = lane; i < Commands; i += Lanes)
            {
                var command = CommandFor(i);
                var message = new ChatMessage($"fault-{i}", guild, new ChatUser(UserId.FromName($"user{i % 3}"), $"user{i % 3}"), command, ConsoleMentions.Find(command));
                replies[i] = (message.IdempotencyKey, command, (await bot.HandleAsync(message, default))?.Text);
            }
        })));
        var botRetries = retry.Retries;
        var session = clock.Elapsed;
        await host.StopAsync();
        host.Dispose();

        Assert.False(projector.HasExited, "the projector kept running under faults:\n" + projector.Errors);
        plan.Enabled = false;
        var injected = proxy.Injector;

        // Every message got a reply; few asked to try again; none was answered "handled before".
        Assert.All(replies, r => Assert.False(string.IsNullOrWhiteSpace(r.Reply), $"no reply to {r.Command}"));
        var tryAgain = replies.Count(r => r.Reply!.Contains("try again", StringComparison.OrdinalIgnoreCase));
        var catchingUp = replies.Count(r => r.Reply!.Contains("catching up", StringComparison.OrdinalIgnoreCase));
        var handledBefore = replies.Count(r => r.Reply!.Contains("handled", StringComparison.OrdinalIgnoreCase) && r.Reply.Contains("before", StringComparison.OrdinalIgnoreCase));
        Assert.True(tryAgain <= Commands * 5 / 100, $"{tryAgain} of {Commands} commands ended in 'try again'");
        Assert.Equal(0, handledBefore);

        // Every reply that claims success has its event.
        var sources = await EventSourcesAsync(prefix);
        var claimed = replies.Where(r => SuccessPrefixes.Any(p => r.Reply!.StartsWith(p, StringComparison.Ordinal))).ToList();
        var lost = claimed.Where(r => !sources.Contains(r.Source)).ToList();
        Assert.True(lost.Count == 0, "claimed but not stored: " + string.Join("; ", lost.Select(l => $"{l.Command} → {l.Reply}")));

        // Once the faults stop, the projector catches up and the read models equal a rebuild.
        clock.Restart();
        var verify = await VerifyEventuallyAsync(environment);
        var catchUp = clock.Elapsed;
        Assert.False(projector.HasExited, "the projector kept running:\n" + projector.Errors);
        var projectorLog = projector.Errors;
        projector.Stop();
        Assert.True(verify.Exit == 0, "replay --verify: " + verify.Output);

        var table = new StringBuilder()
            .AppendLine("| faults injected (proxy) | bot retries (ours) | projector retries/round give-ups (logged) | replies | try again | saved, still catching up | claimed successes | events | lost | session | until verify = 0 |")
            .AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
            .AppendLine($"| {injected.Summary()} | {botRetries} | {Count(projectorLog, "failed (attempt")}/{Count(projectorLog, "after retries")} | {replies.Length} | {tryAgain} | {catchingUp} | {claimed.Count} | {sources.Count} | {lost.Count} | {session.TotalSeconds:F0} s | {catchUp.TotalSeconds:F0} s |")
            .ToString();
        output.WriteLine(table);
        if (Environment.GetEnvironmentVariable("EVENTBOT_FAULT_REPORT") is { Length: > 0 } report) await File.AppendAllTextAsync(report, "scenario (bot + projector)\n" + table);
        Assert.True(injected.Count(FaultKind.Throttle) > 0 && injected.Count(FaultKind.ServerError) > 0 && injected.Count(FaultKind.Conflict) > 0, injected.Summary());
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>Sets, updates, recalls, forgets, games and sparkles, in a fixed mix.</summary>
    private static string CommandFor(int i) => (i % 10) switch
    {
        0 or 1 => $".remember key {i % 7} is value {i}",
        2 => $".remember key {i % 7}",
        3 => $".play coin {(i % 2 == 0 ? "heads" : "tails")}",
        4 => ".play dice 2d6",
        5 => ".play rps rock",
        6 => $".sparkle @user{(i + 1) % 3} for fault {i}",
        7 => $".forget key {(i + 3) % 7}",
        8 => $".remember key {i % 5} is other {i}",
        _ => ".play stats",
    };

    private IHost BuildBot(Dictionary<string, string?> environment, Uri endpoint)
    {
        DynamoDbBot.Environment(dynamo); // credentials and region for the SDK's chain
        var builder = BotHost.CreateBuilder(environment);
        // The in-process bot talks to the proxy, not to DynamoDB Local directly.
        builder.Services.AddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient(dynamo.Credentials,
            new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = DynamoDbLocalFixture.Region }));
        return builder.Build();
    }

    private async Task<HashSet<string>> EventSourcesAsync(string prefix)
    {
        var sources = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.Client.ScanAsync(new ScanRequest { TableName = EventBotTables.EventsTableName(prefix), ConsistentRead = true, ExclusiveStartKey = start });
            foreach (var item in page.Items.Where(EventItem.IsEvent)) sources.Add(EventItem.FromItem(item).Source);
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
        return sources;
    }

    private static async Task<(int Exit, string Output)> VerifyEventuallyAsync(Dictionary<string, string?> environment)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var (exit, text) = await BotProcess.RunAsync(["replay", "--verify"], environment, endpoint: null);
            if (exit == 0 || DateTime.UtcNow > deadline) return (exit, text);
            await Task.Delay(2000);
        }
    }
}

/// <summary>The bot executable (the one the test project builds) as a process of its own.</summary>
public sealed class BotProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly StringBuilder _output = new();

    private BotProcess(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_errors) _errors.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public bool HasExited => _process.HasExited;

    public string Errors
    {
        get
        {
            lock (_errors) return _errors.ToString();
        }
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>The bot's own build output (tests/Bot.Tests/bin/C/tfm → src/Bot/bin/C/tfm): its deps.json resolves there.</summary>
    private static string BotDirectory
    {
        get
        {
            var testDir = new DirectoryInfo(AppContext.BaseDirectory);
            var tfm = testDir.Name;
            var configuration = testDir.Parent!.Name;
            return Path.Combine(DynamoDbLocalFixture.FindRepositoryRoot(), "src", "Bot", "bin", configuration, tfm);
        }
    }

    /// <param name="endpoint">AWS_ENDPOINT_URL for the process; null: the one this process uses (DynamoDB Local).</param>
    public static BotProcess Start(string[] args, IDictionary<string, string?> environment, Uri? endpoint)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = BotDirectory,
        };
        start.ArgumentList.Add(Path.Combine(BotDirectory, "EventBot.Bot.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        start.Environment["AWS_ACCESS_KEY_ID"] = "test";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "test";
        start.Environment["AWS_REGION"] = DynamoDbLocalFixture.Region;
        start.Environment["AWS_ENDPOINT_URL"] = (endpoint?.ToString() ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") ?? "").TrimEnd('/');
        start.Environment["DISCORD_TOKEN"] = null;
        return new BotProcess(Process.Start(start)!);
    }

    public static async Task<(int Exit, string Output)> RunAsync(string[] args, IDictionary<string, string?> environment, Uri? endpoint)
    {
        using var process = Start(args, environment, endpoint);
        process._process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process._process.WaitForExitAsync(timeout.Token);
        process._process.WaitForExit(); // flush the redirected streams
        return (process._process.ExitCode, process.Output + process.Errors);
    }

    /// <summary>Ctrl-C, as an operator would stop it; killed if it does not stop.</summary>
    public void Stop()
    {
        if (_process.HasExited) return;
        try
        {
            Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(20))) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }
}
