using System.Diagnostics.Metrics;

namespace EventBot.Projections.Feeds.Streams;

/// <summary>Lag of the Streams poller.</summary>
/// <param name="NewestRecordTime">Newest <c>ApproximateCreationDateTime</c> delivered so far, if any.</param>
/// <param name="Behind">Now minus that time while some shard still had records waiting; zero once every shard read an
/// empty page; null before the first round. DynamoDB Streams does not say how many records are waiting, so there is
/// no record count.</param>
/// <param name="ShardsBehind">Shards that still had records when the last round stopped reading them.</param>
public sealed record StreamsLag(DateTimeOffset? NewestRecordTime, TimeSpan? Behind, int ShardsBehind);

/// <summary>
/// Counters of the Streams poller, readable in-process and published on the meter <c>EventBot.Projections.Streams</c>.
/// </summary>
public sealed class StreamsPollerMetrics : IDisposable
{
    public const string MeterName = "EventBot.Projections.Streams";

    readonly Meter _meter;
    readonly Counter<long> _delivered;
    readonly Counter<long> _trimmed;
    readonly Counter<long> _handlerFailures;
    readonly Counter<long> _retries;
    readonly Counter<long> _expired;
    long _deliveredTotal, _trimmedTotal, _handlerFailuresTotal, _retriesTotal, _expiredTotal;

    public StreamsPollerMetrics(IMeterFactory? meterFactory = null, Func<StreamsLag>? lag = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _delivered = _meter.CreateCounter<long>("eventbot.streams.records_delivered", "{record}", "Records the handler applied.");
        _trimmed = _meter.CreateCounter<long>("eventbot.streams.trimmed_data", "{event}",
            "TrimmedDataAccessException: records expired before they were read (data lost; rebuild the read models).");
        _handlerFailures = _meter.CreateCounter<long>("eventbot.streams.handler_failures", "{batch}", "Batches the handler did not finish.");
        _retries = _meter.CreateCounter<long>("eventbot.streams.retries", "{call}", "Calls retried after throttling or a 5xx.");
        _expired = _meter.CreateCounter<long>("eventbot.streams.iterators_expired", "{iterator}", "Shard iterators re-acquired after expiring.");
        if (lag is not null)
        {
            _meter.CreateObservableGauge("eventbot.streams.lag", () => lag().Behind?.TotalSeconds ?? 0, "s",
                "Age of the newest delivered record while records are still waiting; 0 when caught up.");
        }
    }

    public long RecordsDelivered => Interlocked.Read(ref _deliveredTotal);

    public long TrimmedData => Interlocked.Read(ref _trimmedTotal);

    public long HandlerFailures => Interlocked.Read(ref _handlerFailuresTotal);

    public long Retries => Interlocked.Read(ref _retriesTotal);

    public long IteratorsExpired => Interlocked.Read(ref _expiredTotal);

    internal void Delivered(int count)
    {
        Interlocked.Add(ref _deliveredTotal, count);
        _delivered.Add(count);
    }

    internal void Trimmed()
    {
        Interlocked.Increment(ref _trimmedTotal);
        _trimmed.Add(1);
    }

    internal void HandlerFailed()
    {
        Interlocked.Increment(ref _handlerFailuresTotal);
        _handlerFailures.Add(1);
    }

    internal void Retried()
    {
        Interlocked.Increment(ref _retriesTotal);
        _retries.Add(1);
    }

    internal void IteratorExpired()
    {
        Interlocked.Increment(ref _expiredTotal);
        _expired.Add(1);
    }

    public void Dispose() => _meter.Dispose();
}
