using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EventBot.EventStore.Telemetry;

/// <summary>
/// The event store's traces and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <c>EventBot.EventStore</c>. With nothing listening (telemetry off) every call here costs a flag check.
/// </summary>
public static class EventStoreTelemetry
{
    public const string Name = "EventBot.EventStore";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> EventsAppended =
        Meter.CreateCounter<long>("eventbot.events.appended", "{event}", "Events stored, by event type.");

    public static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>("eventbot.append.duration", "s",
        "Time of one append (expected-version check, idempotency marker and events in one transaction), by outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    public static readonly Counter<long> AppendConflicts =
        Meter.CreateCounter<long>("eventbot.append.conflicts", "{conflict}", "Appends refused because another writer moved the stream first.");

    // Attribute names, shared by spans and metrics.
    public const string StreamAttribute = "eventbot.stream";
    public const string ExpectedVersionAttribute = "eventbot.expected_version";
    public const string EventsAttribute = "eventbot.events";
    public const string EventTypeAttribute = "eventbot.event.type";
    public const string OutcomeAttribute = "eventbot.outcome";
    public const string StoreAttribute = "eventbot.store";

    /// <summary>True when anything listens to the store's spans or metrics.</summary>
    public static bool Enabled => Source.HasListeners() || AppendDuration.Enabled || EventsAppended.Enabled || AppendConflicts.Enabled;

    /// <summary>Snake-case outcome of an append result: <c>appended</c>, <c>wrong_expected_version</c>, <c>already_processed</c>.</summary>
    public static string OutcomeOf(AppendResult result) => result switch
    {
        AppendResult.Appended => "appended",
        AppendResult.WrongExpectedVersion => "wrong_expected_version",
        AppendResult.AlreadyProcessed => "already_processed",
        _ => "other",
    };
}
