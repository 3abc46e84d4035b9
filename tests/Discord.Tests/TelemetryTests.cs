using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests;

/// <summary>
/// The Discord client's spans and metrics, read with the runtime's own listeners (no exporter needed). Instruments are
/// process-wide, so assertions look for this test's measurements, never for exact totals.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly ConcurrentQueue<(string Instrument, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;

    public TelemetryTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DiscordTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags) copy[tag.Key] = tag.Value;
            _measurements.Enqueue((instrument.Name, copy));
        });
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DiscordTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
    }

    [Fact]
    public async Task A_429_counts_as_rate_limited_on_its_route_and_the_rest_span_ends_with_the_final_status()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.Server.EnqueueRest(FakeRestResponse.RateLimited(0.5));

        ActivityTraceId trace;
        using (var test = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            trace = test.TraceId;
            await discord.Rest.SendReplyAsync("300000000000000003", "500000000000000005", "hi", null, CancellationToken.None);
        }

        Assert.Contains(_measurements, m => m.Instrument == "eventbot.rest.ratelimited"
            && Equals(m.Tags[DiscordTelemetry.RouteAttribute], "POST /channels/{channel_id}/messages"));
        // One span for the call, however many attempts it took: it ends with the status that answered it.
        var span = Assert.Single(_spans, s => s.OperationName == "eventbot.discord.rest" && s.TraceId == trace);
        Assert.Equal("POST /channels/{channel_id}/messages", span.GetTagItem(DiscordTelemetry.RouteAttribute));
        Assert.Equal(200, span.GetTagItem(DiscordTelemetry.StatusAttribute));
        Assert.DoesNotContain(span.TagObjects, t => t.Value is string text && text.Contains(FakeDiscordServer.DefaultToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_op_7_reconnect_is_counted_with_its_reason_and_the_gateway_stays_ready_across_the_resume()
    {
        await using var discord = await TestDiscord.StartAsync();
        Assert.False(discord.Gateway.Health.IsReady(out var before), before);
        discord.StartGateway();
        var first = await discord.Server.WaitForSessionAsync(0);
        await Wait.UntilAsync(() => discord.Gateway.Health.IsReady(out _));

        await first.SendOpAsync(7, null);
        await discord.Server.WaitForSessionAsync(1);

        await Wait.UntilAsync(() => _measurements.Any(m => m.Instrument == "eventbot.gateway.reconnects" && Equals(m.Tags[DiscordTelemetry.ReasonAttribute], "op7_reconnect")));
        await Wait.UntilAsync(() => discord.Gateway.Health.IsReady(out _));
    }

    [Theory]
    [InlineData(4000, "whatever", "close_4000")]
    [InlineData(null, "op 9 Invalid Session (resumable)", "op9_invalid_session")]
    [InlineData(null, "no heartbeat ACK (zombied connection)", "zombied")]
    [InlineData(null, "connection failed", "connection_failed")]
    [InlineData(null, "no Hello within HelloTimeout", "no_hello")]
    public void Reconnect_reasons_are_few_and_fixed(int? closeCode, string reason, string expected) =>
        Assert.Equal(expected, DiscordTelemetry.ReconnectReason(closeCode, reason));

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }
}
