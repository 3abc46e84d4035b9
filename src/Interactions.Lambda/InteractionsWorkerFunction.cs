using System.Text;
using System.Text.Json;
using EventBot.Bot.Adapters.Http;
using Microsoft.Extensions.Logging;

namespace EventBot.Interactions.Lambda;

/// <summary>
/// The worker on the deferred-interactions queue (handler <see cref="InteractionsContract.WorkerHandler"/>), fed by an
/// SQS event source mapping with <c>ReportBatchItemFailures</c>. Each message is an interaction the endpoint answered
/// with type 5: the handler runs it to the end (<see cref="InteractionWorker"/>; the interaction id makes a run after
/// an earlier, frozen one append nothing and answer the first outcome) and <c>@original</c> is edited.
/// </summary>
/// <remarks>
/// A message that fails (a store or Discord failure that outlasted the retries) is answered in
/// <c>batchItemFailures</c>: SQS delivers it again after the visibility timeout, and after the redrive policy's
/// receive count it lands in the dead-letter queue. An expired interaction (Discord's 10062) is done, not failed.
/// </remarks>
public sealed partial class InteractionsWorkerFunction
{
    private readonly InteractionsComposition _composition;
    private readonly ILogger _logger;

    public InteractionsWorkerFunction()
        : this(InteractionsComposition.FromEnvironment(needsQueue: false))
    {
    }

    public InteractionsWorkerFunction(InteractionsComposition composition)
    {
        _composition = composition;
        _logger = composition.Loggers.CreateLogger<InteractionsWorkerFunction>();
    }

    public async Task<Stream> Handle(Stream input)
    {
        using var document = await JsonDocument.ParseAsync(input);
        var failed = new List<string>();
        foreach (var record in document.RootElement.GetProperty("Records").EnumerateArray())
        {
            var messageId = record.GetProperty("messageId").GetString()!;
            try
            {
                var body = Encoding.UTF8.GetBytes(record.GetProperty("body").GetString()!);
                using var interaction = JsonDocument.Parse(body);
                var deferred = new DeferredInteraction(EventBot.Discord.Interactions.DiscordInteractionJson.Parse(interaction.RootElement), body, null);
                await _composition.Worker.CompleteAsync(deferred, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Neither the body nor an exception message: the token must stay out of the log whatever failed.
                Log.Failed(_logger, messageId, ex.GetType().Name);
                failed.Add(messageId);
            }
        }
        return Response(failed);
    }

    /// <summary><c>{"batchItemFailures":[{"itemIdentifier":"&lt;messageId&gt;"}…]}</c>, rewound.</summary>
    internal static MemoryStream Response(IReadOnlyList<string> failedMessageIds)
    {
        var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteStartArray("batchItemFailures");
            foreach (var id in failedMessageIds)
            {
                json.WriteStartObject();
                json.WriteString("itemIdentifier", id);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.Position = 0;
        return output;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4141, Level = LogLevel.Warning, Message = "Deferred interaction message {MessageId} failed ({Error}); SQS delivers it again")]
        public static partial void Failed(ILogger logger, string messageId, string error);
    }
}
