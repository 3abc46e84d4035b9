using System.Text.Json;
using EventBot.EventStore;
using EventBot.Projections.Feeds;
using EventBot.Projections.Tests.Core;
using Microsoft.Extensions.Logging.Abstractions;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Tests.Replay;

public sealed class LagTests : IDisposable
{
    private readonly ProjectorHarness _h = new();

    [Fact]
    public async Task The_sqlite_tail_lag_is_last_position_minus_checkpoint_and_the_age_of_the_oldest_pending_event()
    {
        var first = await _h.AppendAsync("a", new ValueRemembered("a", "1", null));
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        await _h.AppendAsync("b", new ValueRemembered("b", "2", null));
        await _h.AppendAsync("c", new ValueRemembered("c", "3", null));
        _h.Time.Advance(TimeSpan.FromSeconds(12));
        await _h.Views.SetValueAsync(SqliteTail.CheckpointName, first[0].Position.ToString(System.Globalization.CultureInfo.InvariantCulture), default);
        var source = new SqliteTailLag(_h.Store, _h.Views, _h.Time);

        var lag = await source.MeasureAsync(default);

        Assert.Equal(("1", first[0].RecordedAt, 12.0, 2L), (lag.Checkpoint, lag.NewestEventTime, lag.LagSeconds, lag.LagEvents));

        await _h.Views.SetValueAsync(SqliteTail.CheckpointName, "3", default);
        var reporter = new LagReporter([source], _h.Views, _h.Time, NullLogger<LagReporter>.Instance);
        await reporter.ReportOnceAsync(default);

        var reported = JsonSerializer.Deserialize<FeedLag>((await _h.Views.GetValueAsync(LagReporter.StatusName("sqlite-tail"), default))!, EventCodec.Json)!;
        Assert.Equal((0.0, 0L), (reported.LagSeconds, reported.LagEvents));
    }

    public void Dispose() => _h.Dispose();
}
