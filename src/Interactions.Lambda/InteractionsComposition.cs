using Amazon.SQS;
using EventBot.Bot.Adapters.Http;
using EventBot.Bot.Hosting;
using EventBot.Discord;
using EventBot.EventStore.Faults;
using EventBot.Lambda;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventBot.Interactions.Lambda;

/// <summary>
/// The bot's composition as the interaction functions run it: the same services as <c>serve</c> (store,
/// read-your-writes, pipeline, slash-command handler, Discord's interaction REST port) with a queue that outlives the
/// invocation. Built once per container (the runtime's init phase) and reused; the host is built, never started: a
/// function runs no background services (the projector is its own function).
/// </summary>
public sealed class InteractionsComposition : IDisposable
{
    private readonly IHost _host;

    private InteractionsComposition(IHost host)
    {
        _host = host;
        Services = host.Services;
    }

    public IServiceProvider Services { get; }

    public InteractionEndpoint Endpoint => Services.GetRequiredService<InteractionEndpoint>();

    public InteractionWorker Worker => Services.GetRequiredService<InteractionWorker>();

    public ILoggerFactory Loggers => Services.GetRequiredService<ILoggerFactory>();

    /// <param name="builder">A bot host builder (<see cref="BotHost.CreateBuilder"/>) with whatever the caller adds.</param>
    /// <param name="queue">Where deferred interactions go (SQS on AWS; a test's own elsewhere).</param>
    public static InteractionsComposition Create(HostApplicationBuilder builder, Func<IServiceProvider, IInteractionQueue> queue)
    {
        builder.Services.AddInteractionEndpoint(builder.Configuration);
        builder.Services.AddSingleton(queue);
        return new InteractionsComposition(builder.Build());
    }

    /// <summary>
    /// From environment variables only, as the Lambda runtime provides them: the bot's EVENTBOT_*/DISCORD_* settings
    /// (Terraform sets EVENTBOT_STORE=dynamodb and EVENTBOT_PROJECTOR=off), DISCORD_PUBLIC_KEY, and for the endpoint
    /// <see cref="InteractionsContract.QueueUrlVariable"/>; AWS region, credentials and endpoints from the SDK's chain.
    /// Log lines are written synchronously to standard error (<see cref="LambdaLoggerProvider"/>).
    /// </summary>
    /// <param name="needsQueue">The endpoint function sends to the queue; the worker only reads it (through its mapping).</param>
    public static InteractionsComposition FromEnvironment(bool needsQueue)
    {
        var builder = BotHost.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new LambdaLoggerProvider(Console.Error));
        builder.Services.AddSingleton<IAmazonSQS>(_ => new AmazonSQSClient());
        // Discord's REST client edits @original (DISCORD_TOKEN, which Terraform sets).
        if (BotHost.UsesDiscord(builder.Configuration)) builder.Services.AddDiscordClient(builder.Configuration);
        return Create(builder, sp =>
        {
            if (!needsQueue) return new NoQueue();
            var url = Environment.GetEnvironmentVariable(InteractionsContract.QueueUrlVariable);
            if (string.IsNullOrWhiteSpace(url))
                throw new InvalidSettingException($"{InteractionsContract.QueueUrlVariable} is not set; the interactions function needs the URL of its deferred-interactions queue");
            return new SqsInteractionQueue(sp.GetRequiredService<IAmazonSQS>(), url,
                sp.GetService<TransientRetry>() ?? new TransientRetry(new RetrySettings(), sp.GetRequiredService<TimeProvider>()));
        });
    }

    public void Dispose() => _host.Dispose();

    /// <summary>The worker's: it is the end of the line, so a deferral there is a bug, not something to queue.</summary>
    private sealed class NoQueue : IInteractionQueue
    {
        public Task EnqueueAsync(DeferredInteraction deferred, CancellationToken ct) =>
            throw new InvalidOperationException("The worker completes interactions; it never defers one again.");
    }
}
