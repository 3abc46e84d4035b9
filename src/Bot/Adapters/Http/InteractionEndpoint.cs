using System.Diagnostics;
using System.Text.Json;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Adapters.Http;

/// <summary>An HTTP request as every host hands it over: a header lookup (case-insensitive) and the raw body.</summary>
public sealed record InteractionHttpRequest(Func<string, string?> Header, ReadOnlyMemory<byte> Body);

/// <summary>What the host writes back.</summary>
public sealed record InteractionHttpResponse(int StatusCode, string ContentType, byte[] Body)
{
    public static InteractionHttpResponse Text(int status, string text) => new(status, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(text + "\n"));
}

/// <summary>
/// <c>POST /interactions</c>, whatever carries it (Kestrel in <c>serve</c>, a Lambda Function URL): the signature is
/// checked before anything reads the body; PING answers PONG; every other interaction goes to the same
/// <see cref="IInteractionHandler"/> as the gateway's, and a deferral (type 5/6) is handed to the
/// <see cref="IInteractionQueue"/> before the deferral is answered. The body's token is never logged.
/// </summary>
public sealed partial class InteractionEndpoint(
    InteractionSignature signature,
    IInteractionHandler handler,
    IInteractionQueue queue,
    TimeProvider time,
    ILogger<InteractionEndpoint> logger)
{
    /// <summary>
    /// The largest body accepted (64 KiB). Discord's interaction bodies are a few KiB (resolved users and options
    /// included); anything bigger is refused with 413 before it is verified or parsed.
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const string SignatureHeader = "X-Signature-Ed25519";
    public const string TimestampHeader = "X-Signature-Timestamp";

    private static readonly byte[] Pong = Body(InteractionResponse.Pong, null);

    public async Task<InteractionHttpResponse> HandleAsync(InteractionHttpRequest request, CancellationToken ct)
    {
        if (request.Body.Length > MaxBodyBytes)
        {
            Log.TooLarge(logger, request.Body.Length, MaxBodyBytes);
            return InteractionHttpResponse.Text(413, "request body too large");
        }

        var check = signature.Check(request.Header(SignatureHeader), request.Header(TimestampHeader), request.Body.Span);
        if (check != SignatureCheck.Valid)
        {
            Log.Refused(logger, check);
            return InteractionHttpResponse.Text(401, "invalid request signature");
        }

        DiscordInteraction interaction;
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Number
                && type.GetInt32() == (int)InteractionType.Ping)
                return new InteractionHttpResponse(200, "application/json", Pong);
            interaction = DiscordInteractionJson.Parse(root);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            // A signed body we cannot read: Discord's, so a shape we do not know. The body itself is not logged.
            Log.Unreadable(logger, ex.GetType().Name);
            return InteractionHttpResponse.Text(400, "unreadable interaction");
        }

        var started = time.GetTimestamp();
        try
        {
            var start = await handler.StartAsync(interaction, ct);
            if (start.Completion is { } running)
                await queue.EnqueueAsync(new DeferredInteraction(interaction, request.Body.ToArray(), running), ct);
            Log.Answered(logger, interaction.Id, interaction.Data?.Name ?? interaction.Data?.CustomId, (int)start.First.Type,
                time.GetElapsedTime(started).TotalMilliseconds);
            return new InteractionHttpResponse(200, "application/json", Body(start.First, interaction));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Discord shows "This interaction failed"; the interaction's id says which, its token stays out of the log.
            Log.Failed(logger, interaction.Id, ex);
            return InteractionHttpResponse.Text(500, "the interaction failed on our side");
        }
    }

    /// <summary>The HTTP answer's body: the same JSON as the REST callback's (the Discord project writes both).</summary>
    private static byte[] Body(InteractionResponse response, DiscordInteraction? interaction) =>
        System.Text.Encoding.UTF8.GetBytes(InteractionResponseJson.Response(response,
            interaction?.Data is { } data ? DiscordInteractionJson.Focused(data.Options)?.Type : null).ToJsonString());

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Interaction request refused: signature check {Check}")]
        public static partial void Refused(ILogger logger, SignatureCheck check);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Interaction request of {Length} bytes refused (limit {Limit})")]
        public static partial void TooLarge(ILogger logger, int length, int limit);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Signed interaction body could not be read ({Error})")]
        public static partial void Unreadable(ILogger logger, string error);

        [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Interaction {Id} ({Command}) answered with type {Callback} in {Ms:0.0} ms")]
        public static partial void Answered(ILogger logger, string id, string? command, int callback, double ms);

        [LoggerMessage(EventId = 4105, Level = LogLevel.Error, Message = "Interaction {Id} failed")]
        public static partial void Failed(ILogger logger, string id, Exception exception);
    }
}
