namespace EventBot.Interactions.Lambda;

/// <summary>
/// What Terraform and the functions must agree on; tests/Infrastructure.Tests holds terraform/ to these strings.
/// </summary>
public static class InteractionsContract
{
    /// <summary>The Function URL's function (Discord's Interactions Endpoint URL).</summary>
    public const string EndpointHandler = "EventBot.Interactions.Lambda::EventBot.Interactions.Lambda.InteractionsFunction::Handle";

    /// <summary>The worker on the deferred-interactions queue.</summary>
    public const string WorkerHandler = "EventBot.Interactions.Lambda::EventBot.Interactions.Lambda.InteractionsWorkerFunction::Handle";

    /// <summary>The queue deferred interactions go to (its URL; Terraform sets it on the endpoint function).</summary>
    public const string QueueUrlVariable = "EVENTBOT_INTERACTIONS_QUEUE_URL";
}
