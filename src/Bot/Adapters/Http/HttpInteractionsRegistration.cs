using EventBot.Bot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Adapters.Http;

public static partial class HttpInteractionsRegistration
{
    /// <summary>The route Discord's Developer Portal is given (Interactions Endpoint URL).</summary>
    public const string Route = "/interactions";

    /// <summary>
    /// The HTTP interactions endpoint on this process's listener (<see cref="HttpEndpointsService"/>): signature check
    /// with <c>DISCORD_PUBLIC_KEY</c>, <see cref="InteractionEndpoint"/>, and deferred work finished in this process
    /// (<see cref="InProcessInteractionQueue"/>). The slash-command handler and Discord's interaction REST port come
    /// from the bot's composition.
    /// </summary>
    public static IServiceCollection AddHttpInteractions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddInteractionEndpoint(configuration);
        services.AddSingleton<InProcessInteractionQueue>();
        services.AddSingleton<IInteractionQueue>(sp => sp.GetRequiredService<InProcessInteractionQueue>());
        // Stopping waits for the deferred work still running, so each answered type 5 still gets its edit.
        services.AddHostedService(sp => sp.GetRequiredService<InProcessInteractionQueue>());
        services.AddSingleton<HttpEndpointMap>(sp => endpoints => endpoints.MapPost(Route, (HttpContext context) => ServeAsync(context, sp)));
        return services;
    }

    /// <summary>
    /// What every host of the endpoint shares: the signature check with <c>DISCORD_PUBLIC_KEY</c>,
    /// <see cref="InteractionEndpoint"/> and <see cref="InteractionWorker"/>. The host adds its
    /// <see cref="IInteractionQueue"/>.
    /// </summary>
    public static IServiceCollection AddInteractionEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new InteractionSignature(configuration[$"{EventBotEnvironment.DiscordSection}:PublicKey"], sp.GetRequiredService<TimeProvider>()));
        // The handler and the queue are resolved at the first interaction that needs them, not at start: a PING (the
        // portal's check, and a cold start's first request) is answered without building the pipeline or a queue client.
        services.AddSingleton(sp => new InteractionEndpoint(sp.GetRequiredService<InteractionSignature>(), new LazyHandler(sp), new LazyQueue(sp),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InteractionEndpoint>>()));
        services.AddSingleton<InteractionWorker>();
        return services;
    }

    private sealed class LazyHandler(IServiceProvider services) : EventBot.Bot.Interactions.IInteractionHandler
    {
        private EventBot.Bot.Interactions.IInteractionHandler Handler => services.GetService<EventBot.Bot.Interactions.IInteractionHandler>()
            ?? throw new InvalidOperationException("No slash-command handler is registered in this composition.");

        public Task<EventBot.Bot.Interactions.InteractionStart> StartAsync(EventBot.Discord.Interactions.DiscordInteraction interaction, CancellationToken ct) =>
            Handler.StartAsync(interaction, ct);

        public Task<EventBot.Discord.Interactions.InteractionMessage> CompleteAsync(EventBot.Discord.Interactions.DiscordInteraction interaction, CancellationToken ct) =>
            Handler.CompleteAsync(interaction, ct);
    }

    private sealed class LazyQueue(IServiceProvider services) : IInteractionQueue
    {
        public Task EnqueueAsync(DeferredInteraction deferred, CancellationToken ct) => services.GetRequiredService<IInteractionQueue>().EnqueueAsync(deferred, ct);
    }

    private static async Task ServeAsync(HttpContext context, IServiceProvider services)
    {
        var endpoint = services.GetRequiredService<InteractionEndpoint>();
        InteractionHttpResponse response;
        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            response = InteractionHttpResponse.Text(StatusCodes.Status413PayloadTooLarge, "request body too large");
        }
        else
        {
            var headers = context.Request.Headers;
            // Not the request's own token: a deferral's work must outlive the request that started it.
            response = await endpoint.HandleAsync(new InteractionHttpRequest(h => headers.TryGetValue(h, out var v) ? v.ToString() : null, body),
                services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        }
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        context.Response.ContentLength = response.Body.Length;
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    /// <summary>The body, or null when it is longer than <see cref="InteractionEndpoint.MaxBodyBytes"/> (read no further).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > InteractionEndpoint.MaxBodyBytes) return null;
        var buffer = new byte[InteractionEndpoint.MaxBodyBytes + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await request.Body.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) return buffer[..read];
            read += n;
        }
        return null;
    }

    /// <summary>Warns once at start when no request can ever verify (the Developer Portal would refuse the URL).</summary>
    public static void WarnIfNoKey(IServiceProvider services)
    {
        if (!services.GetRequiredService<InteractionSignature>().HasKey)
            Log.NoKey(services.GetRequiredService<ILoggerFactory>().CreateLogger<InteractionEndpoint>());
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4106, Level = LogLevel.Warning,
            Message = "DISCORD_PUBLIC_KEY is missing or not 64 hex digits: every interaction request will be refused with 401 (copy the key from the Developer Portal's General Information)")]
        public static partial void NoKey(ILogger logger);
    }
}
