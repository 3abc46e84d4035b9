using System.Text;
using System.Text.Json;
using EventBot.Bot.Adapters.Http;
using Microsoft.Extensions.Logging;

namespace EventBot.Interactions.Lambda;

/// <summary>
/// Discord's Interactions Endpoint URL as a Lambda Function URL (handler <see cref="InteractionsContract.EndpointHandler"/>,
/// auth type NONE: the Ed25519 signature is the authentication). Reads the Function URL event (payload format 2.0:
/// lower-case <c>headers</c>, <c>body</c>, <c>isBase64Encoded</c>), hands it to the same
/// <see cref="InteractionEndpoint"/> as <c>serve</c>, and answers <c>{statusCode, headers, body}</c>.
/// </summary>
/// <remarks>
/// Lambda freezes the container as soon as this returns, so nothing may be left to finish afterwards: a command that
/// defers is put on the SQS queue before type 5 is answered, and <see cref="InteractionsWorkerFunction"/> finishes it.
/// </remarks>
public sealed partial class InteractionsFunction
{
    private readonly InteractionsComposition _composition;
    private readonly ILogger _logger;

    /// <summary>What the Lambda runtime calls: configuration from environment variables only.</summary>
    public InteractionsFunction()
        : this(InteractionsComposition.FromEnvironment(needsQueue: true))
    {
    }

    public InteractionsFunction(InteractionsComposition composition)
    {
        _composition = composition;
        _logger = composition.Loggers.CreateLogger<InteractionsFunction>();
    }

    public async Task<Stream> Handle(Stream input)
    {
        InteractionHttpResponse response;
        try
        {
            var (method, headers, body) = await ReadEventAsync(input);
            response = method is not null && !method.Equals("POST", StringComparison.OrdinalIgnoreCase)
                ? InteractionHttpResponse.Text(405, "POST only")
                : await _composition.Endpoint.HandleAsync(new InteractionHttpRequest(h => headers.GetValueOrDefault(h), body), CancellationToken.None);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            Log.NotAnEvent(_logger, ex.GetType().Name);
            response = InteractionHttpResponse.Text(400, "not a Function URL request");
        }
        return Write(response);
    }

    /// <summary>The method, the headers (case-insensitive) and the raw body of a payload format 2.0 event.</summary>
    internal static async Task<(string? Method, Dictionary<string, string> Headers, byte[] Body)> ReadEventAsync(Stream input)
    {
        using var document = await JsonDocument.ParseAsync(input);
        var root = document.RootElement;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
            foreach (var header in h.EnumerateObject())
                if (header.Value.ValueKind == JsonValueKind.String) headers[header.Name] = header.Value.GetString()!;
        string? method = null;
        if (root.TryGetProperty("requestContext", out var context) && context.TryGetProperty("http", out var http) && http.TryGetProperty("method", out var m))
            method = m.GetString();
        var text = root.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "";
        var base64 = root.TryGetProperty("isBase64Encoded", out var e) && e.ValueKind == JsonValueKind.True;
        return (method, headers, base64 ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text));
    }

    /// <summary><c>{"statusCode":…,"headers":{"content-type":…},"body":…}</c>, rewound.</summary>
    internal static MemoryStream Write(InteractionHttpResponse response)
    {
        var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteNumber("statusCode", response.StatusCode);
            json.WriteStartObject("headers");
            json.WriteString("content-type", response.ContentType);
            json.WriteEndObject();
            json.WriteString("body", Encoding.UTF8.GetString(response.Body));
            json.WriteBoolean("isBase64Encoded", false);
            json.WriteEndObject();
        }
        output.Position = 0;
        return output;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4131, Level = LogLevel.Warning, Message = "The invocation is not a Function URL request ({Error})")]
        public static partial void NotAnEvent(ILogger logger, string error);
    }
}
