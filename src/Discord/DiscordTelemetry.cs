using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EventBot.Discord;

/// <summary>
/// Traces and metrics of the Discord client: one <see cref="ActivitySource"/> and one <see cref="Meter"/> named
/// <c>EventBot.Discord</c>. Routes are templates (<c>POST /channels/{channel_id}/messages</c>), never ids or tokens.
/// </summary>
public static class DiscordTelemetry
{
    public const string Name = "EventBot.Discord";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> GatewayReconnects =
        Meter.CreateCounter<long>("eventbot.gateway.reconnects", "{reconnect}", "Gateway connections that ended and were opened again, by reason.");

    public static readonly Counter<long> RestRateLimited =
        Meter.CreateCounter<long>("eventbot.rest.ratelimited", "{response}", "429 answers from Discord REST, by route template.");

    public const string RouteAttribute = "eventbot.route";
    public const string StatusAttribute = "eventbot.status_code";
    public const string ReasonAttribute = "eventbot.reason";

    /// <summary>A REST call span; null when nothing listens.</summary>
    public static Activity? StartRest(string routeTemplate)
    {
        var activity = Source.StartActivity("eventbot.discord.rest", ActivityKind.Client);
        activity?.SetTag(RouteAttribute, routeTemplate);
        return activity;
    }

    /// <summary>A low-cardinality reason for a reconnect: the close code when there was one, else the kind of end.</summary>
    public static string ReconnectReason(int? closeCode, string reason) => closeCode is { } code
        ? $"close_{code}"
        : reason switch
        {
            _ when reason.StartsWith("op 7", StringComparison.Ordinal) => "op7_reconnect",
            _ when reason.StartsWith("op 9", StringComparison.Ordinal) => "op9_invalid_session",
            _ when reason.Contains("zombie", StringComparison.Ordinal) => "zombied",
            _ when reason.Contains("Hello", StringComparison.Ordinal) => "no_hello",
            _ when reason.Contains("failed", StringComparison.Ordinal) => "connection_failed",
            _ => "closed",
        };
}

/// <summary>
/// What a readiness probe needs from the gateway: READY (or RESUMED) on the current connection, or a connection
/// that ended less than one heartbeat interval ago (a resume normally completes within that).
/// </summary>
public sealed class GatewayHealth(TimeProvider time) : IDiscordGatewayHealth
{
    private long _readySinceTicks = -1;
    private long _lostAtTicks = -1;
    private long _heartbeatTicks = TimeSpan.FromSeconds(45).Ticks;

    public void HeartbeatInterval(TimeSpan interval) => Interlocked.Exchange(ref _heartbeatTicks, interval.Ticks);

    public void Ready() => Interlocked.Exchange(ref _readySinceTicks, time.GetUtcNow().UtcTicks);

    public void Lost()
    {
        if (Interlocked.Exchange(ref _readySinceTicks, -1) >= 0) Interlocked.Exchange(ref _lostAtTicks, time.GetUtcNow().UtcTicks);
    }

    /// <summary>True while READY, or within one heartbeat interval of losing a ready connection; false before the first READY.</summary>
    public bool IsReady(out string detail)
    {
        if (Interlocked.Read(ref _readySinceTicks) >= 0)
        {
            detail = "gateway ready";
            return true;
        }
        var lost = Interlocked.Read(ref _lostAtTicks);
        if (lost < 0)
        {
            detail = "gateway not ready yet";
            return false;
        }
        var since = TimeSpan.FromTicks(time.GetUtcNow().UtcTicks - lost);
        var heartbeat = TimeSpan.FromTicks(Interlocked.Read(ref _heartbeatTicks));
        detail = $"gateway reconnecting for {since.TotalSeconds:0.#} s (heartbeat {heartbeat.TotalSeconds:0.#} s)";
        return since <= heartbeat;
    }
}
