using System.Globalization;
using System.Text;
using EventBot.Discord;
using EventBot.EventStore;
using EventBot.Projections.Feeds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace EventBot.Bot.Hosting;

/// <summary>
/// The operator's endpoints: <c>/healthz</c> (the process answers), <c>/readyz</c> (see <see cref="ReadinessProbe"/>)
/// and <c>/metrics</c> (Prometheus text, when a meter provider with the Prometheus exporter exists). Any web host can
/// map them, e.g. a later <c>serve</c> verb for HTTP interactions, with the bot's services as <paramref name="bot"/>.
/// </summary>
public static class OperationalEndpoints
{
    public static IEndpointRouteBuilder MapEventBotOperations(this IEndpointRouteBuilder endpoints, IServiceProvider bot)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/readyz", async (CancellationToken ct) =>
        {
            var (ready, lines) = await bot.GetRequiredService<ReadinessProbe>().CheckAsync(ct);
            return Results.Text(string.Join('\n', lines) + "\n", statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        if (bot.GetService<MeterProvider>() is { } meters)
            endpoints.MapPrometheusScrapingEndpoint("/metrics", meters, configureBranchedPipeline: null, optionsName: null);
        return endpoints;
    }
}

/// <summary>
/// Ready when: the event store answers a read (within 5 s); the Discord gateway (every shard of this process), if it is used, is READY or
/// lost its connection less than one heartbeat interval ago; and no feed of this process is further behind than
/// <see cref="BotOptions.ReadyMaxLagSeconds"/> (as last measured by <see cref="LagReporter"/>).
/// </summary>
public sealed class ReadinessProbe(IServiceProvider services, IOptions<BotOptions> options)
{
    private static readonly StreamName Probe = new("health/probe");

    public async Task<(bool Ready, IReadOnlyList<string> Lines)> CheckAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        var ready = true;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await services.GetRequiredService<IEventReader>().ReadStreamAsync(Probe, 1, timeout.Token);
            lines.Add("store: reachable");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            ready = false;
            lines.Add($"store: unreachable ({ex.GetType().Name})");
        }

        if (services.GetService<IDiscordGatewayHealth>() is { } gateway)
        {
            // One line for all of this process's shards: ready when every shard is.
            var gatewayReady = gateway.IsReady(out var detail);
            ready &= gatewayReady;
            lines.Add($"gateway: {detail}");
        }

        var max = options.Value.ReadyMaxLagSeconds;
        foreach (var lag in services.GetService<LagReporter>()?.Latest ?? [])
        {
            var behind = lag.LagSeconds is { } seconds && seconds > max;
            ready &= !behind;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"projector {lag.Feed}: {(lag.LagSeconds is { } s ? $"{s:0.#} s" : "unknown")} behind (limit {max} s)"));
        }
        lines.Insert(0, ready ? "ready" : "not ready");
        return (ready, lines);
    }
}

/// <summary>Endpoints a process adds to <see cref="HttpEndpointsService"/>'s listener beside the operational ones.</summary>
public delegate void HttpEndpointMap(IEndpointRouteBuilder endpoints);

/// <summary>
/// The optional HTTP listener (<c>EVENTBOT_HTTP_PORT</c>; off when unset): a small Kestrel app of its own beside the
/// bot's host, serving <see cref="OperationalEndpoints"/> from the bot's services. Port 0 picks a free port (tests read
/// it from <see cref="Addresses"/>).
/// </summary>
public sealed partial class HttpEndpointsService(IServiceProvider services, IOptions<BotOptions> options, ILogger<HttpEndpointsService> logger) : IHostedService, IAsyncDisposable
{
    // IHost, not WebApplication: nothing of ASP.NET Core (Kestrel, and the TLS stack it loads) is touched, not even
    // its types, unless a port is configured; a one-shot console command does not pay for loading it.
    private IHost? _app;

    public IReadOnlyList<string> Addresses { get; private set; } = [];

    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.HttpPort is { } port ? ListenAsync(port, cancellationToken) : Task.CompletedTask;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private async Task ListenAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(k => k.ListenAnyIP(port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        _app = app;
        app.MapEventBotOperations(services);
        // What else this process serves on the same port (the `serve` verb's POST /interactions).
        foreach (var map in services.GetServices<HttpEndpointMap>()) map(app);
        await app.StartAsync(cancellationToken);
        Addresses = [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
        Log.Listening(logger, string.Join(", ", Addresses));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is IAsyncDisposable app) await app.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Health and metrics on {Addresses} (/healthz, /readyz, /metrics)")]
        public static partial void Listening(ILogger logger, string addresses);
    }
}
