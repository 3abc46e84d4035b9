using EventBot.Discord.Gateway;
using EventBot.Discord.Interactions;
using EventBot.Discord.Rest;
using EventBot.Discord.Tests.Fake;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Discord.Tests.Support;

/// <summary>
/// A fake Discord and a <see cref="ShardedDiscordGateway"/> on a <see cref="FakeTimeProvider"/>: nothing waits unless
/// the test moves the clock, so spacing is asserted on exact fake times and a busy machine only makes a test slower.
/// </summary>
public sealed class ShardedTestDiscord : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggerFactory _loggers;
    private readonly List<DiscordIncomingMessage> _messages = [];
    private readonly List<DiscordInteraction> _interactions = [];
    private Task? _run;

    private ShardedTestDiscord(FakeDiscordServer server, FakeTimeProvider time, DiscordOptions options)
    {
        Server = server;
        Time = time;
        Options = options;
        _loggers = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        Rest = new DiscordRestClient(wrapped, new SharedHttpClientFactory(), time, _loggers.CreateLogger<DiscordRestClient>());
        Gateway = new ShardedDiscordGateway(wrapped, Rest, time, _loggers.CreateLogger<ShardedDiscordGateway>(), _loggers.CreateLogger<DiscordGatewayClient>(), () => 0.5);
    }

    public FakeDiscordServer Server { get; }

    public FakeTimeProvider Time { get; }

    public DiscordOptions Options { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public DiscordRestClient Rest { get; }

    public ShardedDiscordGateway Gateway { get; }

    public IReadOnlyList<DiscordIncomingMessage> Messages
    {
        get
        {
            lock (_messages)
                return [.. _messages];
        }
    }

    public Task RunTask => _run ?? throw new InvalidOperationException("Gateway not started.");

    internal IdentifyGate Gate => Gateway.IdentifyGate ?? throw new InvalidOperationException("The shards have not started yet.");

    public static async Task<ShardedTestDiscord> StartAsync(int shardCount, Action<FakeDiscordServer>? configureServer = null, Action<DiscordOptions>? configureOptions = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        var server = await FakeDiscordServer.StartAsync(time);
        // No heartbeat falls due while a test moves the clock by seconds or minutes.
        server.HeartbeatIntervalMs = 3_600_000;
        configureServer?.Invoke(server);
        var options = new DiscordOptions
        {
            Token = FakeDiscordServer.DefaultToken,
            ApiBaseUrl = server.ApiBaseUrl,
            ShardCount = shardCount,
            // On the fake clock only the test moves time; these never fire by accident.
            ConnectTimeout = TimeSpan.FromHours(1),
            HelloTimeout = TimeSpan.FromHours(1),
            RestTimeout = TimeSpan.FromHours(1),
            CloseTimeout = TimeSpan.FromSeconds(1),
        };
        configureOptions?.Invoke(options);
        var validation = new DiscordOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        return new ShardedTestDiscord(server, time, options);
    }

    public IReadOnlyList<DiscordInteraction> Interactions
    {
        get
        {
            lock (_interactions)
                return [.. _interactions];
        }
    }

    public void Start() => _run = Gateway.RunAsync(OnMessage, _stop.Token);

    /// <summary>Starts with an interaction handler too (the overload slash commands use).</summary>
    public void StartWithInteractions() => _run = Gateway.RunAsync(OnMessage, (interaction, _) =>
    {
        lock (_interactions)
            _interactions.Add(interaction);
        return Task.CompletedTask;
    }, _stop.Token);

    private Task OnMessage(DiscordIncomingMessage message, CancellationToken ct)
    {
        lock (_messages)
            _messages.Add(message);
        return Task.CompletedTask;
    }

    /// <summary>Waits until every shard of <paramref name="shards"/> has its session (READY) on the fake.</summary>
    public Task WaitForSessionsAsync(params int[] shards) =>
        Wait.UntilAsync(() => shards.All(s => Server.Identifies().Any(i => i.Shard == s && i.Connection.Session is not null)), what: $"sessions of shards {string.Join(',', shards)}");

    /// <summary>Log lines with this event id (each prefixed by its shard when a shard wrote it).</summary>
    public IReadOnlyList<string> LogLines(int eventId) => [.. Logs.Entries.Where(e => e.EventId == eventId).Select(e => e.Text)];

    /// <summary>Cancels, as a host does on SIGTERM, and waits until every shard has closed and handed over what it read.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await SettleAsync();
    }

    /// <summary>
    /// Waits for the run to end, moving the fake clock meanwhile: a close we start waits for Discord's answer at most
    /// CloseTimeout on that clock.
    /// </summary>
    public async Task SettleAsync()
    {
        if (_run is null) return;
        var run = _run.ContinueWith(_ => { }, TaskScheduler.Default);
        var deadline = DateTime.UtcNow + Wait.DefaultTimeout;
        while (!run.IsCompleted && DateTime.UtcNow < deadline)
        {
            Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(run, Task.Delay(10));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Server.DisposeAsync();
        _loggers.Dispose();
        _stop.Dispose();
    }

    private sealed class SharedHttpClientFactory : IHttpClientFactory
    {
        private readonly SocketsHttpHandler _handler = new();

        public HttpClient CreateClient(string name) => new(_handler, disposeHandler: false);
    }
}
