using System.Diagnostics;
using System.Diagnostics.Metrics;
using EventBot.EventStore;
using EventBot.Projections.Core;

namespace EventBot.Projections.Telemetry;

/// <summary>
/// The projections' traces and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/> named
/// <c>EventBot.Projections</c> (the lag and dead-letter gauges are published by <see cref="Feeds.LagReporter"/> on the
/// same meter name). A projector span is started only for a batch that holds events: empty polls make no spans.
/// </summary>
public static class ProjectionsTelemetry
{
    public const string Name = "EventBot.Projections";

    /// <summary>At most this many links per batch span (one per distinct appending command).</summary>
    public const int MaxLinks = 32;

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Applied =
        Meter.CreateCounter<long>("eventbot.projector.applied", "{event}", "Events the projector core finished (applied, duplicates skipped, or given up as dead letters), by feed.");

    public const string FeedAttribute = "eventbot.feed";
    public const string ProjectionAttribute = "eventbot.projection";
    public const string EventsAttribute = "eventbot.events";
    public const string PhaseAttribute = "eventbot.phase";

    private static RebuildShare? _rebuild;

    static ProjectionsTelemetry()
    {
        Meter.CreateObservableGauge("eventbot.rebuild.progress", ObserveRebuild, "1",
            "Share of the events the last rebuild or verify of this process had applied when it last reported (0 to 1), by phase.");
    }

    /// <summary>True when anything listens to the projector's spans or metrics.</summary>
    public static bool Enabled => Source.HasListeners() || Applied.Enabled;

    /// <summary>
    /// A span for one batch of events, linked to the span of every command that appended one of them (from the
    /// envelope's <c>traceparent</c>). Null for an empty batch or when nothing listens.
    /// </summary>
    public static Activity? StartBatch(IReadOnlyList<EventEnvelope> batch, string feed)
    {
        if (batch.Count == 0 || !Source.HasListeners()) return null;
        List<ActivityLink>? links = null;
        HashSet<string>? seen = null;
        foreach (var envelope in batch)
        {
            if (envelope.TraceParent.Length == 0) continue;
            seen ??= new HashSet<string>(StringComparer.Ordinal);
            if (seen.Count >= MaxLinks || !seen.Add(envelope.TraceParent)) continue;
            if (ActivityContext.TryParse(envelope.TraceParent, null, isRemote: true, out var context))
                (links ??= []).Add(new ActivityLink(context));
        }
        // A root span of its own: the projector works later and elsewhere (another process, a Lambda) than the command.
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var activity = Source.StartActivity("eventbot.project", ActivityKind.Consumer, parentContext: default, links: links);
            activity?.SetTag(FeedAttribute, feed);
            activity?.SetTag(EventsAttribute, batch.Count);
            return activity;
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Ends a batch: records how many events were finished and, on a failure, marks the span.</summary>
    public static void EndBatch(Activity? activity, string feed, int finished, Exception? error)
    {
        if (finished > 0) Applied.Add(finished, new KeyValuePair<string, object?>(FeedAttribute, feed));
        if (activity is null) return;
        activity.SetTag("eventbot.applied", finished);
        if (error is not null) activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        activity.Dispose();
    }

    /// <summary>A read-your-writes wait span (a child of the command that waits); null when nothing listens.</summary>
    public static Activity? StartWait(string? streamId = null, long version = 0)
    {
        var activity = Source.StartActivity("eventbot.read_your_writes.wait");
        if (streamId is not null) Waiting(activity, streamId, version);
        return activity;
    }

    /// <summary>Tags the stream and version the wait is on (the last one, when it waits for several rows).</summary>
    public static void Waiting(Activity? activity, string streamId, long version)
    {
        activity?.SetTag("eventbot.stream", streamId);
        activity?.SetTag("eventbot.version", version);
    }

    /// <summary>Tags the wait's result (<c>eventbot.caught_up</c>) and passes it on.</summary>
    public static bool EndWait(Activity? activity, bool caughtUp)
    {
        activity?.SetTag("eventbot.caught_up", caughtUp);
        return caughtUp;
    }

    /// <summary>
    /// What the <c>eventbot.rebuild.progress</c> gauge shows: the rebuild (Replay) reports its phase and counts here, so
    /// this namespace needs nothing of Replay's.
    /// </summary>
    public static void ReportRebuild(string phase, long done, long total) =>
        Volatile.Write(ref _rebuild, new RebuildShare(phase, total <= 0 ? 0 : Math.Min(1, (double)done / total)));

    private static IEnumerable<Measurement<double>> ObserveRebuild()
    {
        if (Volatile.Read(ref _rebuild) is not { } p) yield break;
        yield return new Measurement<double>(p.Share, new KeyValuePair<string, object?>(PhaseAttribute, p.Phase));
    }

    private sealed record RebuildShare(string Phase, double Share);
}
