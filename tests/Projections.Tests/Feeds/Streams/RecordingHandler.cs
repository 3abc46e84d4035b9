using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using EventBot.DynamoDbStreams;

namespace EventBot.Projections.Tests.Feeds.Streams;

/// <summary>Records what it applied; can be told to fail once on a given record.</summary>
sealed class RecordingHandler : IStreamBatchHandler
{
    readonly List<StreamRecord> _applied = [];
    readonly List<int> _batchSizes = [];
    Func<StreamRecord, bool>? _failOnce;
    bool _failOnceResets;

    public IReadOnlyList<StreamRecord> Applied => _applied;

    public IReadOnlyList<int> BatchSizes => _batchSizes;

    public int Failures { get; private set; }

    public bool ThrowInsteadOfFailing { get; init; }

    /// <summary>The next time a record matching <paramref name="when"/> arrives, apply those before it and fail there.</summary>
    public void FailOnceAt(Func<StreamRecord, bool> when)
    {
        _failOnce = when;
        _failOnceResets = true;
    }

    /// <summary>Fails once at each of these sequence numbers.</summary>
    public void FailOnceAtEach(IEnumerable<string> sequenceNumbers)
    {
        var pending = sequenceNumbers.ToHashSet(StringComparer.Ordinal);
        _failOnce = r => pending.Remove(r.SequenceNumber);
        _failOnceResets = false;
    }

    readonly Lock _gate = new();

    public Task<StreamBatchOutcome> HandleAsync(IReadOnlyList<StreamRecord> records, CancellationToken ct)
    {
        lock (_gate) return Handle(records);
    }

    Task<StreamBatchOutcome> Handle(IReadOnlyList<StreamRecord> records)
    {
        _batchSizes.Add(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            if (_failOnce is { } fail && fail(records[i]))
            {
                if (_failOnceResets) _failOnce = null;
                Failures++;
                if (ThrowInsteadOfFailing) throw new InvalidOperationException("handler broke");
                return Task.FromResult(StreamBatchOutcome.FailedAt(i));
            }
            _applied.Add(records[i]);
        }
        return Task.FromResult(StreamBatchOutcome.Success);
    }
}
