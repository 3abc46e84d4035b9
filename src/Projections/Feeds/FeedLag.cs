using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using EventBot.EventStore;
using EventBot.EventStore.Sqlite;
using EventBot.Projections.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventBot.Projections.Feeds;

/// <summary>
/// How far one feed is behind the store. <see cref="LagSeconds"/> is the age of the oldest event not yet applied
/// (0 when caught up); <see cref="LagEvents"/> is known where the store has a global position (SQLite).
/// </summary>
public sealed record FeedLag(string Feed, string Checkpoint, DateTimeOffset? NewestEventTime, double? LagSeconds, long? LagEvents, DateTimeOffset MeasuredAt);

public interface IFeedLagSource
{
    string Feed { get; }

    Task<FeedLag> MeasureAsync(CancellationToken ct);
}

/// <summary>SQLite tail: last position − checkpoint, and the age of the first event after the checkpoint.</summary>
public sealed class SqliteTailLag(SqliteEventStore store, IViewStore views, TimeProvider time) : IFeedLagSource
{
    public string Feed => "sqlite-tail";

    public async Task<FeedLag> MeasureAsync(CancellationToken ct)
    {
        var checkpoint = await views.GetValueAsync(SqliteTail.CheckpointName, ct) is { } s ? long.Parse(s, CultureInfo.InvariantCulture) : 0;
        var last = await store.LastPositionAsync(ct);
        var seen = checkpoint > 0 ? await FirstAfterAsync(checkpoint - 1, ct) : null;
        var oldestPending = await FirstAfterAsync(checkpoint, ct);
        var now = time.GetUtcNow();
        var lagSeconds = oldestPending is null ? 0 : Math.Max(0, (now - oldestPending.RecordedAt).TotalSeconds);
        return new FeedLag(Feed, checkpoint.ToString(CultureInfo.InvariantCulture), seen?.RecordedAt, lagSeconds, last - checkpoint, now);
    }

    private async Task<EventEnvelope?> FirstAfterAsync(long position, CancellationToken ct) =>
        await store.ReadAfterPositionAsync(position, 1, ct) is [var first, ..] ? first : null;
}

/// <summary>
/// Measures every feed of this process on a period: a metric (<c>eventbot.projector.lag</c>, seconds and events),
/// a log line, and a named value <c>status/{feed}</c> that <c>projections status</c> reads from another process.
/// </summary>
public sealed partial class LagReporter : BackgroundService
{
    public const string MeterName = "EventBot.Projections";
    private readonly IReadOnlyList<IFeedLagSource> _sources;
    private readonly IViewStore _views;
    private readonly TimeProvider _time;
    private readonly ILogger<LagReporter> _logger;
    private readonly Dictionary<string, FeedLag> _latest = new(StringComparer.Ordinal);

    public LagReporter(IEnumerable<IFeedLagSource> sources, IViewStore views, TimeProvider time, ILogger<LagReporter> logger, IMeterFactory? meters = null,
        IEnumerable<IProjection>? projections = null, DeadLetterStore? deadLetters = null)
    {
        _sources = [.. sources];
        _views = views;
        _time = time;
        _logger = logger;
        _deadLetters = deadLetters;
        // A feed's checkpoint is shared by every projection it feeds: each gets the feed's lag, tagged with its name, so
        // dashboards can group by projection (and a per-projection feed, later, fits the same series).
        string[] names = projections is null ? ["all"] : [.. projections.Select(p => p.Name)];
        var meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        meter.CreateObservableGauge("eventbot.projector.lag", () => Snapshot().Where(l => l.LagSeconds is not null)
            .SelectMany(l => names.Select(p => new Measurement<double>(l.LagSeconds!.Value, Tag(FeedAttribute, l.Feed), Tag(ProjectionAttribute, p)))),
            "s", "Age of the oldest event not yet projected (now - its recorded-at; 0 when caught up), per feed and projection");
        meter.CreateObservableGauge("eventbot.projector.lag_events", () => Snapshot().Where(l => l.LagEvents is not null)
            .Select(l => new Measurement<long>(l.LagEvents!.Value, Tag(FeedAttribute, l.Feed))), "{event}", "Events not yet projected");
        if (deadLetters is not null)
        {
            meter.CreateObservableGauge("eventbot.deadletters", ObserveDeadLetters,
                "{record}", "Dead letters in the store (failing, skipped or stopped), counted at each lag report");
        }
    }

    private const string FeedAttribute = "eventbot.feed";
    private const string ProjectionAttribute = "eventbot.projection";
    private readonly DeadLetterStore? _deadLetters;
    private long _deadLetterCount = -1;

    private IEnumerable<Measurement<long>> ObserveDeadLetters()
    {
        var count = Volatile.Read(ref _deadLetterCount);
        if (count >= 0) yield return new Measurement<long>(count);
    }

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);

    /// <summary>The latest measurement of every feed of this process (for health checks).</summary>
    public IReadOnlyList<FeedLag> Latest => Snapshot();

    public static string StatusName(string feed) => $"status/{feed}";

    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The first report waits this long after start: measuring lag, writing the status row and counting dead letters
    /// are no part of answering the first command, so a short-lived process (a one-shot console command) never pays
    /// for them and a long-lived one reports once it has started.
    /// </summary>
    public TimeSpan FirstReportDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How far behind a feed must be before it is logged (a warning), once when it falls behind and once when it catches up.</summary>
    public TimeSpan BehindThreshold { get; init; } = TimeSpan.FromSeconds(10);

    private readonly HashSet<string> _behind = new(StringComparer.Ordinal);

    /// <summary>
    /// Lag is logged only when it matters: when a feed falls behind by the threshold or more, and when it has caught up
    /// again, in words. A caught-up feed, or one with nothing to project, logs nothing (the 30-second line used to
    /// interrupt the console prompt); the metric and <c>projections status</c> have every measurement.
    /// </summary>
    private void LogIfItMatters(FeedLag lag)
    {
        var behind = lag.LagSeconds is { } seconds && seconds >= BehindThreshold.TotalSeconds;
        var wasBehind = _behind.Contains(lag.Feed);
        if (behind)
        {
            _behind.Add(lag.Feed);
            var waiting = lag.LagEvents is { } events ? $" ({events.ToString("N0", CultureInfo.InvariantCulture)} event(s) not yet projected)" : "";
            Log.Behind(_logger, lag.Feed, Duration(lag.LagSeconds!.Value), waiting);
        }
        else if (wasBehind)
        {
            _behind.Remove(lag.Feed);
            Log.CaughtUp(_logger, lag.Feed);
        }
    }

    private static string Duration(double seconds) => seconds switch
    {
        < 90 => $"{seconds.ToString("0", CultureInfo.InvariantCulture)} seconds",
        < 5_400 => $"{(seconds / 60).ToString("0", CultureInfo.InvariantCulture)} minutes",
        _ => $"{(seconds / 3_600).ToString("0.#", CultureInfo.InvariantCulture)} hours",
    };

    public async Task ReportOnceAsync(CancellationToken ct)
    {
        foreach (var source in _sources)
        {
            var lag = await source.MeasureAsync(ct);
            lock (_latest) _latest[source.Feed] = lag;
            LogIfItMatters(lag);
            await _views.SetValueAsync(StatusName(lag.Feed), JsonSerializer.Serialize(lag, EventCodec.Json), ct);
        }
        if (_deadLetters is not null) Volatile.Write(ref _deadLetterCount, (await _deadLetters.ListAsync(ct)).Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_sources.Count == 0 && _deadLetters is null) return;
        try
        {
            await Task.Delay(FirstReportDelay, _time, stoppingToken);
            using var timer = new PeriodicTimer(Period, _time);
            do
            {
                try
                {
                    await ReportOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.Failed(_logger, ex); // measuring lag must never stop the bot
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private List<FeedLag> Snapshot()
    {
        lock (_latest) return [.. _latest.Values];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "The projector's {Feed} feed is {Behind} behind{Waiting}; replies may say \"still catching up\"")]
        public static partial void Behind(ILogger logger, string feed, string behind, string waiting);

        [LoggerMessage(EventId = 2403, Level = LogLevel.Information, Message = "The projector's {Feed} feed has caught up")]
        public static partial void CaughtUp(ILogger logger, string feed);

        [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Measuring projector lag failed")]
        public static partial void Failed(ILogger logger, Exception ex);
    }
}
