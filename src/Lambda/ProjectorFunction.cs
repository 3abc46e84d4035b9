using System.Text.Json;
using EventBot.EventStore.Faults;
using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using Microsoft.Extensions.Logging;

namespace EventBot.Lambda;

/// <summary>
/// The projector on AWS Lambda (handler <c>EventBot.Lambda::EventBot.Lambda.ProjectorFunction::Handle</c>, see
/// <see cref="EventBot.EventStore.DynamoDb.LambdaContract"/>), fed by an event source mapping on the events table's
/// stream with <c>ReportBatchItemFailures</c>.
/// </summary>
/// <remarks>
/// <para>The managed runtime creates one instance per container with the public parameterless constructor and calls
/// <see cref="Handle"/> for every batch, so the composition (clients, projections, core) is built once, in the init
/// phase, and reused.</para>
/// <para>Records go through the same <see cref="Projections.Feeds.StreamsProjectionHandler"/> as the in-process poller:
/// REMOVE records (TTL deletes), idempotency markers and foreign items are skipped and counted; events are applied by
/// the projector core's version rule, so redelivered, reordered or gapped records give the same read models.</para>
/// <para>An event that is not JSON, or not a <c>{"Records":[...]}</c> object, throws: there is no sequence number to
/// report, so the invocation fails and the mapping retries (and bisects) the batch until its retry limits send it to
/// the DLQ. A record that fails to apply is answered as the first <c>batchItemFailures</c> entry; the records after it
/// are not applied and come again.</para>
/// <para>A batch that stops on a transient failure (throttling, 5xx, a conflict, a timeout: <see cref="Failures"/>) is
/// continued from that record here, with the composition's <see cref="TransientRetry"/>, before anything is reported:
/// the mapping's retries, bisection and DLQ are kept for what does not go away. Transient failures never count toward
/// dead letters.</para>
/// </remarks>
public sealed partial class ProjectorFunction
{
    private readonly ProjectorComposition _composition;
    private readonly ILogger _logger;

    /// <summary>What the Lambda runtime calls: configuration from environment variables only (see <see cref="ProjectorComposition.FromEnvironment"/>).</summary>
    public ProjectorFunction()
        : this(ProjectorComposition.FromEnvironment())
    {
    }

    /// <summary>With a composition of the caller's (tests, other hosts).</summary>
    public ProjectorFunction(ProjectorComposition composition)
    {
        _composition = composition;
        _logger = composition.Loggers.CreateLogger<ProjectorFunction>();
    }

    public async Task<Stream> Handle(Stream input)
    {
        var records = await LambdaEventParser.ParseAsync(input);

        // A warm container can live for hours: re-read the active generation pointers so a rebuild's flip is seen.
        _composition.Generations.Refresh();

        var counters = _composition.Counters;
        var (applied, removes, foreign) = (counters.Applied, counters.SkippedRemoves, counters.SkippedForeign);
        var failed = await HandleWithRetriesAsync(records);

        Log.Batch(_logger, records.Count, counters.Applied - applied, counters.SkippedRemoves - removes, counters.SkippedForeign - foreign,
            failed ?? "none");
        return Response(failed);
    }

    /// <summary>The sequence number of the first record still failing, or null when the whole batch is done.</summary>
    private async Task<string?> HandleWithRetriesAsync(IReadOnlyList<StreamRecord> records)
    {
        var start = 0;
        for (var attempt = 0; ; attempt++)
        {
            var rest = start == 0 ? records : records.Skip(start).ToList();
            var outcome = await _composition.Handler.HandleAsync(rest, CancellationToken.None);
            if (outcome.FirstFailedIndex is not { } index) return null;
            start += index;
            if (outcome.Error is not { } error || !await _composition.Retry.TryBackoffAsync("Lambda batch", attempt, error, CancellationToken.None))
                return records[start].SequenceNumber;
            Log.Retrying(_logger, records[start].SequenceNumber, Failures.Classify(error), attempt + 1);
        }
    }

    /// <summary><c>{"batchItemFailures":[{"itemIdentifier":"…"}]}</c>, or an empty list when every record is done; rewound.</summary>
    internal static MemoryStream Response(string? failedSequenceNumber)
    {
        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("batchItemFailures");
            if (failedSequenceNumber is not null)
            {
                writer.WriteStartObject();
                writer.WriteString("itemIdentifier", failedSequenceNumber);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        output.Position = 0;
        return output;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2401, Level = LogLevel.Information,
            Message = "Batch of {Records} records: {Applied} events through the projector core, {Removes} REMOVE and {Foreign} non-event records skipped; first failed: {Failed}")]
        public static partial void Batch(ILogger logger, int records, long applied, long removes, long foreign, string failed);

        [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Record {SequenceNumber} hit a transient failure ({Kind}); continuing the batch from it (retry {Attempt})")]
        public static partial void Retrying(ILogger logger, string sequenceNumber, FailureKind kind, int attempt);
    }
}
