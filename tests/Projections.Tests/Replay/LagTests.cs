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

public sealed class LagLogTests
{
    private sealed class FixedLag(string feed) : IFeedLagSource
    {
        public double? Seconds { get; set; }

        public long? Events { get; set; }

        public string Feed => feed;

        public Task<FeedLag> MeasureAsync(CancellationToken ct) =>
            Task.FromResult(new FeedLag(feed, "7", null, Seconds, Events, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task Lag_is_logged_in_words_only_when_a_feed_falls_behind_and_when_it_catches_up()
    {
        using var h = new ProjectorHarness();
        var source = new FixedLag("sqlite-tail") { Seconds = 0, Events = 0 };
        var logger = new Feeds.Streams.CapturingLogger<LagReporter>();
        var reporter = new LagReporter([source], h.Views, h.Time, logger);

        await reporter.ReportOnceAsync(default);                               // nothing to project: silent
        (source.Seconds, source.Events) = (3, 2);
        await reporter.ReportOnceAsync(default);                               // a little behind: silent
        (source.Seconds, source.Events) = (95, 1_200);
        await reporter.ReportOnceAsync(default);
        (source.Seconds, source.Events) = (0, 0);
        await reporter.ReportOnceAsync(default);
        await reporter.ReportOnceAsync(default);                               // still caught up: silent

        Assert.Equal(
        [
            "The projector's sqlite-tail feed is 2 minutes behind (1,200 event(s) not yet projected); replies may say \"still catching up\"",
            "The projector's sqlite-tail feed has caught up",
        ], logger.Entries.Select(e => e.Message));
    }

    [Fact]
    public async Task A_feed_that_cannot_count_events_says_only_how_long()
    {
        using var h = new ProjectorHarness();
        var source = new FixedLag("dynamodb-streams") { Seconds = 12, Events = null };
        var logger = new Feeds.Streams.CapturingLogger<LagReporter>();

        await new LagReporter([source], h.Views, h.Time, logger).ReportOnceAsync(default);

        Assert.Equal("The projector's dynamodb-streams feed is 12 seconds behind; replies may say \"still catching up\"", Assert.Single(logger.Entries).Message);
    }
}
