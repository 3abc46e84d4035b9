using System.Diagnostics;
using System.Diagnostics.Metrics;
using EventBot.Bot.Chat;
using EventBot.Bot.Telemetry;

namespace EventBot.Bench;

/// <summary>
/// What switching telemetry on costs a command: the same bot answers alternated rounds of <c>.remember k is v</c>
/// with nothing listening (telemetry off, the default: every hook is a listener check) and with a listener on every
/// EventBot <see cref="ActivitySource"/> (all spans recorded) and <see cref="Meter"/> (every measurement taken), as
/// an exporter would have them. Alternating rounds keeps machine drift out of the ratio. What "off" costs against a
/// build without the hooks cannot be measured inside one build; docs/performance.md has that cross-build figure.
/// </summary>
public static class TelemetryScenario
{
    public static async Task<List<BenchMetric>> OnOffAsync(ChatBot bot, int count, CancellationToken ct)
    {
        const int rounds = 4;
        var off = new Samples();
        var on = new Samples();
        var perRound = Math.Max(10, count / rounds);
        await WarmUpAsync(bot, ct);
        for (var round = 0; round < rounds; round++)
        {
            await TimeAsync(bot, off, perRound, round * 2, ct);
            using (Listen())
                await TimeAsync(bot, on, perRound, round * 2 + 1, ct);
        }
        var note = $".remember k is v, {rounds} alternated rounds of {perRound} per mode; on = every EventBot source and meter listened to";
        return
        [
            new("telemetry_on_ratio_console_sqlite_p50", on.PercentileMs(50), "ms", off.PercentileMs(50), "same commands, telemetry off (alternated)", "report", "sqlite", note),
        ];
    }

    private static Task WarmUpAsync(ChatBot bot, CancellationToken ct) =>
        TimeAsync(bot, new Samples(), 20, -1, ct);

    private static async Task TimeAsync(ChatBot bot, Samples samples, int count, int round, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var message = BenchData.Message($".remember t{i % 50} is round {round} value {i}");
            var start = Stopwatch.GetTimestamp();
            var reply = await bot.HandleAsync(message, ct);
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (reply is null || !(reply.Text.StartsWith("Remembered", StringComparison.Ordinal) || reply.Text.StartsWith("Updated", StringComparison.Ordinal)))
                throw new InvalidOperationException($"unexpected reply: {reply?.Text}");
            samples.Add(elapsed);
        }
    }

    private static IDisposable Listen()
    {
        var activities = new ActivityListener
        {
            ShouldListenTo = source => BotTelemetry.ActivitySources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(activities);
        var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (BotTelemetry.Meters.Contains(instrument.Meter.Name)) listener.EnableMeasurementEvents(instrument);
            },
        };
        meters.SetMeasurementEventCallback<double>((_, _, _, _) => { });
        meters.SetMeasurementEventCallback<long>((_, _, _, _) => { });
        meters.SetMeasurementEventCallback<int>((_, _, _, _) => { });
        meters.Start();
        return new Both(activities, meters);
    }

    private sealed class Both(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
