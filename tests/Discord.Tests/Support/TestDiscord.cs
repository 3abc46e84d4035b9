using EventBot.Discord.Gateway;
using EventBot.Discord.Interactions;
using EventBot.Discord.Rest;
using EventBot.Discord.Tests.Fake;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Discord.Tests.Support;

/// <summary>
/// A fake Discord plus clients wired to it, on a clock running 100x so the docs' delays take milliseconds. A scaled
/// delay never ends early (<see cref="AcceleratedTimeProvider"/> sleeps the rest when a system timer wakes early); the
/// "waited at least X" assertions still allow 0.2 s (scaled) below X: slack they were given before the clock was fixed,
/// kept as a margin (a bug they catch is off by whole seconds).
/// </summary>
public sealed class TestDiscord : IAsyncDisposable
{
    public const double Speed = 100;

    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggerFactory _loggers;
    private Task? _run;

    private TestDiscord(FakeDiscordServer server, AcceleratedTimeProvider time, DiscordOptions options, double jitter)
    {
        Server = server;
        Time = time;
        Options = options;
        _loggers = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        Rest = new DiscordRestClient(Microsoft.Extensions.Options.Options.Create(options), new SingleHttpClientFactory(), time, _loggers.CreateLogger<DiscordRestClient>());
        Gateway = new DiscordGatewayClient(Microsoft.Extensions.Options.Options.Create(options), Rest, time, _loggers.CreateLogger<DiscordGatewayClient>(), () => jitter);
    }

    public FakeDiscordServer Server { get; }

    public AcceleratedTimeProvider Time { get; }

    public DiscordOptions Options { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public DiscordRestClient Rest { get; }

    public DiscordGatewayClient Gateway { get; }

    public List<DiscordIncomingMessage> Messages { get; } = [];

    /// <summary>Interactions handed over by <see cref="StartGatewayWithInteractions"/>.</summary>
    public List<DiscordInteraction> Interactions { get; } = [];

    /// <summary>Messages and interactions in the order the handlers saw them: "m:{id}" / "i:{id}".</summary>
    public List<string> Order { get; } = [];

    public static async Task<TestDiscord> StartAsync(Action<FakeDiscordServer>? configureServer = null, Action<DiscordOptions>? configureOptions = null, double jitter = 0.5)
    {
        var time = new AcceleratedTimeProvider(Speed);
        var server = await FakeDiscordServer.StartAsync(time);
        // 60 s scaled = 600 ms real: slow enough that a loaded CI machine does not miss an ACK by accident.
        // Heartbeat scenarios set their own interval.
        server.HeartbeatIntervalMs = 60_000;
        configureServer?.Invoke(server);
        var options = new DiscordOptions
        {
            Token = FakeDiscordServer.DefaultToken,
            ApiBaseUrl = server.ApiBaseUrl,
            // Generous in scaled time (real: seconds) so only the scenarios that want a timeout get one.
            ConnectTimeout = TimeSpan.FromSeconds(500),
            HelloTimeout = TimeSpan.FromSeconds(300),
            RestTimeout = TimeSpan.FromSeconds(1000),
            CloseTimeout = TimeSpan.FromSeconds(200),
        };
        configureOptions?.Invoke(options);
        var validation = new DiscordOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        return new TestDiscord(server, time, options, jitter);
    }

    /// <summary>Starts the gateway loop in the background; <see cref="RunTask"/> observes how it ended.</summary>
    public void StartGateway(Func<DiscordIncomingMessage, CancellationToken, Task>? handler = null)
    {
        _run = Gateway.RunAsync(async (message, ct) =>
        {
            if (handler is not null)
                await handler(message, ct);
            lock (Messages)
                Messages.Add(message);
        }, _stop.Token);
    }

    /// <summary>Starts the gateway with an interaction handler too (the overload a slash-command bot uses).</summary>
    public void StartGatewayWithInteractions(Func<DiscordInteraction, CancellationToken, Task>? onInteraction = null)
    {
        _run = Gateway.RunAsync(
            (message, _) =>
            {
                lock (Messages)
                {
                    Messages.Add(message);
                    Order.Add($"m:{message.Id}");
                }

                return Task.CompletedTask;
            },
            async (interaction, ct) =>
            {
                if (onInteraction is not null)
                    await onInteraction(interaction, ct);
                lock (Messages)
                {
                    Interactions.Add(interaction);
                    Order.Add($"i:{interaction.Id}");
                }
            },
            _stop.Token);
    }

    /// <summary>Cancels the gateway's token, as a host does on SIGTERM.</summary>
    public Task StopAsync() => _stop.CancelAsync();

    public Task RunTask => _run ?? throw new InvalidOperationException("Gateway not started.");

    /// <summary>Real-time span for a scaled duration, for comparing the fake's timestamps.</summary>
    public static TimeSpan Scaled(double seconds) => TimeSpan.FromSeconds(seconds);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            try
            {
                await _run.WaitAsync(Wait.DefaultTimeout);
            }
            catch (Exception)
            {
                // Tests that expect a failure assert on RunTask themselves.
            }
        }

        await Server.DisposeAsync();
        _loggers.Dispose();
        _stop.Dispose();
    }

    private sealed class SingleHttpClientFactory : IHttpClientFactory
    {
        private readonly SocketsHttpHandler _handler = new();

        // Like the real factory: clients are cheap wrappers over a shared handler that they do not own.
        public HttpClient CreateClient(string name) => new(_handler, disposeHandler: false);
    }
}
