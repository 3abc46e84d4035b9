using System.Text;
using Amazon.SQS;
using Amazon.SQS.Model;
using EventBot.Bot.Adapters.Http;
using EventBot.EventStore.Faults;

namespace EventBot.Interactions.Lambda;

/// <summary>
/// Deferred interactions to SQS: one message per interaction, its body the signed interaction body as Discord sent
/// it (the worker reads it with the same parser). Transient failures (throttling, 5xx, timeouts, connection errors)
/// are retried with the house's capped, jittered backoff (<see cref="TransientRetry"/>) on top of the SDK's own;
/// only then does the endpoint give up (and Discord shows the interaction as failed).
/// </summary>
/// <remarks>
/// The body carries the interaction token (a secret for 15 minutes): the queue is encrypted at rest (SSE) and only
/// the two interaction roles can read or write it. Tested against tests/Testing's FakeSqs, not against SQS itself.
/// </remarks>
public sealed class SqsInteractionQueue(IAmazonSQS sqs, string queueUrl, TransientRetry retry) : IInteractionQueue
{
    public async Task EnqueueAsync(DeferredInteraction deferred, CancellationToken ct)
    {
        var request = new SendMessageRequest { QueueUrl = queueUrl, MessageBody = Encoding.UTF8.GetString(deferred.Body.Span) };
        await retry.RunAsync("SQS SendMessage", token => sqs.SendMessageAsync(request, token), ct);
    }
}
