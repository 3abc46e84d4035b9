using EventBot.Bot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EventBot.Bot.Telemetry;

/// <summary>Where traces and metrics go: nowhere (default), the console, or an OTLP collector.</summary>
public enum TelemetryMode
{
    Off,
    Console,
    Otlp,
}

/// <summary>
/// Wires OpenTelemetry and the log format into the host. Off by default: no provider is built, nothing listens to the
/// sources and meters, and each instrumented call costs a flag check. <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (and the other
/// standard <c>OTEL_*</c> variables) turn on OTLP; <c>EVENTBOT_TELEMETRY=console</c> prints spans and metrics to standard
/// error. The HTTP listener's <c>/metrics</c> adds a Prometheus reader of its own, whatever the mode.
/// </summary>
public static class TelemetrySetup
{
    public static TelemetryMode ModeFrom(IConfiguration configuration) =>
        configuration[$"{EventBotEnvironment.Section}:Telemetry"]?.Trim().ToLowerInvariant() switch
        {
            "console" => TelemetryMode.Console,
            "otlp" => TelemetryMode.Otlp,
            "off" => TelemetryMode.Off,
            _ => string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ? TelemetryMode.Off : TelemetryMode.Otlp,
        };

    /// <summary>Adds exporters per the mode and the HTTP port; the log format per <c>EVENTBOT_LOG_FORMAT</c>.</summary>
    public static void AddEventBotTelemetry(this HostApplicationBuilder builder)
    {
        builder.AddEventBotLogFormat();
        var mode = ModeFrom(builder.Configuration);
        var prometheus = !string.IsNullOrWhiteSpace(builder.Configuration[$"{EventBotEnvironment.Section}:HttpPort"]);
        if (mode == TelemetryMode.Off && !prometheus) return;
        AddExporters(builder, mode, prometheus);
    }

    /// <summary>
    /// Its own method, never inlined: compiling a method loads the assemblies of the types its body names, so with this
    /// wiring inline a bot with telemetry off loaded the OpenTelemetry SDK and OTLP exporter at start for nothing.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddExporters(HostApplicationBuilder builder, TelemetryMode mode, bool prometheus)
    {
        var otel = builder.Services.AddEventBotOpenTelemetry(traces: mode != TelemetryMode.Off);
        if (prometheus) otel.WithMetrics(m => m.AddPrometheusExporter());
        switch (mode)
        {
            case TelemetryMode.Console:
                // Standard output belongs to chat replies.
                otel.WithTracing(t => t.AddConsoleExporter(o => o.Targets = OpenTelemetry.Exporter.ConsoleExporterOutputTargets.Debug))
                    .WithMetrics(m => m.AddConsoleExporter((o, reader) =>
                    {
                        o.Targets = OpenTelemetry.Exporter.ConsoleExporterOutputTargets.Debug;
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 30_000;
                    }));
                break;
            case TelemetryMode.Otlp:
                otel.UseOtlpExporter();
                break;
        }
    }

    /// <summary>
    /// The OpenTelemetry providers with every EventBot source and meter, no exporter: the host adds its own (tests add
    /// in-memory ones). Traces are left out when only metrics are wanted (Prometheus alone).
    /// </summary>
    public static IOpenTelemetryBuilder AddEventBotOpenTelemetry(this IServiceCollection services, bool traces = true)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r =>
            {
                if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME"))) r.AddService("eventbot");
            })
            .WithMetrics(m => m.AddMeter(BotTelemetry.Meters));
        if (traces) otel.WithTracing(t => t.AddSource(BotTelemetry.ActivitySources));
        return otel;
    }

    /// <summary>
    /// <c>EVENTBOT_LOG_FORMAT=json</c>: one JSON object per line (the Microsoft.Extensions.Logging JSON console
    /// formatter) with scopes: message id, guild, stream, expected version, trace and span ids. Default: the one-line text.
    /// </summary>
    public static void AddEventBotLogFormat(this HostApplicationBuilder builder)
    {
        var json = string.Equals(builder.Configuration[$"{EventBotEnvironment.Section}:LogFormat"]?.Trim(), "json", StringComparison.OrdinalIgnoreCase);
        if (!json) return;
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
    }
}
