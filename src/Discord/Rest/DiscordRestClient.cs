using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Discord.Rest;

/// <summary>
/// Discord REST over <see cref="HttpClient"/>, following the Rate Limits docs. One instance per bot (it owns the bucket
/// state); it asks <see cref="IHttpClientFactory"/> for a client per request so handlers rotate as the factory intends.
/// </summary>
public sealed partial class DiscordRestClient : IDiscordRest
{
    /// <summary>Name of the <see cref="HttpClient"/> this client asks the factory for.</summary>
    public const string HttpClientName = "EventBot.Discord";

    /// <summary>Used when a 429 comes without any readable wait (e.g. a Cloudflare HTML page).</summary>
    internal static readonly TimeSpan UnreadableRetryAfter = TimeSpan.FromSeconds(5);

    private static readonly string UserAgent = BuildUserAgent();

    private readonly DiscordOptions _options;
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RestRateLimiter _limiter;
    private readonly Uri _baseUri;
    private volatile bool _unauthorized;

    public DiscordRestClient(IOptions<DiscordOptions> options, IHttpClientFactory httpClients, TimeProvider time, ILogger<DiscordRestClient> logger)
    {
        _options = options.Value;
        _httpClients = httpClients;
        _time = time;
        _logger = logger;
        _limiter = new RestRateLimiter(time);
        _baseUri = new Uri(_options.ApiBaseUrl.TrimEnd('/') + "/");
    }

    public async Task SendReplyAsync(string channelId, string replyToMessageId, string content, IReadOnlyList<DiscordEmbed>? embeds, CancellationToken ct)
    {
        RequireSnowflake(channelId, nameof(channelId));
        RequireSnowflake(replyToMessageId, nameof(replyToMessageId));
        ArgumentNullException.ThrowIfNull(content);
        if (embeds is { Count: > 10 })
            throw new ArgumentException("Discord allows at most 10 embeds per message.", nameof(embeds));
        var hasEmbeds = embeds is { Count: > 0 };
        if (content.Length == 0 && !hasEmbeds)
            throw new ArgumentException("A message needs content or embeds.", nameof(content));

        var parts = MessageSplitter.Split(content); // "" gives [""]: one embeds-only message.
        var route = DiscordRoute.CreateMessage(channelId);
        for (var i = 0; i < parts.Count; i++)
        {
            var body = new JsonObject
            {
                // Always empty: stored text may contain @everyone or <@id>, and a recall must never ping.
                ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
            };
            if (parts[i].Length > 0)
                body["content"] = parts[i];
            if (i == 0)
            {
                // fail_if_not_exists=false: the reply still goes out if the command message was deleted meanwhile.
                body["message_reference"] = new JsonObject { ["message_id"] = replyToMessageId, ["fail_if_not_exists"] = false };
            }

            if (i == parts.Count - 1 && hasEmbeds)
                body["embeds"] = new JsonArray(embeds!.Select(DiscordJson.Embed).ToArray<JsonNode?>());
            // The reply's echoed message is not needed, but its pooled buffers are returned only on dispose.
            using (await SendAsync(route, body, ct)) { }
        }
    }

    public async Task<DiscordUser> GetCurrentUserAsync(CancellationToken ct)
    {
        using var doc = await SendAsync(DiscordRoute.CurrentUser, null, ct);
        return DiscordJson.ParseUser(doc.RootElement);
    }

    /// <summary><c>GET /gateway/bot</c>: the WebSocket URL and the identify budget.</summary>
    public async Task<DiscordGatewayBotInfo> GetGatewayBotAsync(CancellationToken ct)
    {
        using var doc = await SendAsync(DiscordRoute.GatewayBot, null, ct);
        var root = doc.RootElement;
        var limit = root.GetProperty("session_start_limit");
        return new DiscordGatewayBotInfo(
            root.GetProperty("url").GetString()!,
            root.TryGetProperty("shards", out var shards) ? shards.GetInt32() : 1,
            new DiscordSessionStartLimit(
                limit.GetProperty("total").GetInt32(),
                limit.GetProperty("remaining").GetInt32(),
                TimeSpan.FromMilliseconds(limit.GetProperty("reset_after").GetDouble()),
                limit.TryGetProperty("max_concurrency", out var mc) ? mc.GetInt32() : 1));
    }

    public async Task<string> CreateDmAsync(string userId, CancellationToken ct)
    {
        RequireSnowflake(userId, nameof(userId));
        using var doc = await SendAsync(DiscordRoute.CreateDm, new JsonObject { ["recipient_id"] = userId }, ct);
        return DiscordJson.OptionalString(doc.RootElement, "id") ?? throw new DiscordRestException("POST /users/@me/channels answered no channel id.", 200);
    }

    public async Task SendMessageAsync(string channelId, string content, IReadOnlyList<DiscordFile> files, CancellationToken ct)
    {
        RequireSnowflake(channelId, nameof(channelId));
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(files);
        if (content.Length > MessageSplitter.MaxContentLength)
            throw new ArgumentException($"A message with files holds at most {MessageSplitter.MaxContentLength} characters.", nameof(content));
        if (content.Length == 0 && files.Count == 0)
            throw new ArgumentException("A message needs content or files.", nameof(content));
        var body = new JsonObject { ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() } };
        if (content.Length > 0) body["content"] = content;
        if (files.Count > 0) DiscordMultipart.Describe(body, files);
        using (await SendAsync(DiscordRoute.CreateMessage(channelId), body, ct, files)) { }
    }

    private async Task<JsonDocument> SendAsync(DiscordRoute route, JsonNode? body, CancellationToken ct, IReadOnlyList<DiscordFile>? files = null)
    {
        var rateLimitRetries = 0;
        var serverErrorRetries = 0;
        using var activity = DiscordTelemetry.StartRest(route.TemplateKey);
        while (true)
        {
            ThrowIfUnauthorized(route);
            TimeSpan? backoff = null;
            using (await _limiter.AcquireAsync(route, (wait, global) => Log.Waiting(_logger, route.TemplateKey, wait, global), ct))
            {
                ThrowIfUnauthorized(route); // another request may have hit 401 while this one waited.
                using var request = BuildRequest(route, body, files);
                using var client = _httpClients.CreateClient(HttpClientName);
                using var timeout = new CancellationTokenSource(_options.RestTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                HttpResponseMessage response;
                string text;
                try
                {
                    response = await client.SendAsync(request, linked.Token);
                    text = await response.Content.ReadAsStringAsync(linked.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"{route.TemplateKey} got no answer within {_options.RestTimeout}.");
                }

                using var disposeResponse = response;
                _limiter.Update(route, response.Headers);
                var status = (int)response.StatusCode;
                activity?.SetTag(DiscordTelemetry.StatusAttribute, status);

                if (response.IsSuccessStatusCode)
                    return JsonDocument.Parse(text.Length == 0 ? "{}" : text);

                // An interaction route is not authenticated with the bot token: its 401 says nothing about that token.
                if (response.StatusCode == HttpStatusCode.Unauthorized && !route.Interaction)
                {
                    _unauthorized = true;
                    Log.Unauthorized(_logger, route.TemplateKey);
                    throw Unauthorized();
                }

                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var (retryAfter, global, readable) = ReadRetryAfter(response, text, _time.GetUtcNow());
                    _limiter.Block(route, retryAfter, global);
                    DiscordTelemetry.RestRateLimited.Add(1, new KeyValuePair<string, object?>(DiscordTelemetry.RouteAttribute, route.TemplateKey));
                    if (++rateLimitRetries > _options.MaxRateLimitRetries)
                        throw new DiscordRestException($"{route.TemplateKey} still rate limited after {_options.MaxRateLimitRetries} retries.", status);
                    Log.RateLimited(_logger, route.TemplateKey, retryAfter, global, readable);
                    continue; // the next AcquireAsync waits out the block.
                }

                if (status >= 500 && serverErrorRetries < _options.MaxServerErrorRetries)
                {
                    backoff = _options.ServerErrorInitialDelay * Math.Pow(2, serverErrorRetries++);
                    Log.ServerError(_logger, route.TemplateKey, status, backoff.Value, serverErrorRetries);
                }
                else
                {
                    var failure = Failure(route, status, text);
                    // A callback whose first try got a 5xx may have been applied after all: the retry then finds it
                    // acknowledged (40060), which is the outcome wanted.
                    if (failure.DiscordErrorCode == AlreadyAcknowledged && route.Interaction && serverErrorRetries > 0)
                    {
                        Log.AcknowledgedOnRetry(_logger, route.TemplateKey);
                        return JsonDocument.Parse("{}");
                    }

                    if (route.Interaction && failure.DiscordErrorCode is UnknownInteraction or InvalidWebhookToken)
                        throw new DiscordInteractionExpiredException(failure.Message + " The interaction expired (3 s to answer, 15 min to edit or follow up) or is unknown; not retried.");
                    throw failure;
                }
            }

            // Outside the route lock, so other requests are not held up by this one's backoff.
            await Task.Delay(backoff.Value, _time, ct);
        }
    }

    private HttpRequestMessage BuildRequest(DiscordRoute route, JsonNode? body, IReadOnlyList<DiscordFile>? files)
    {
        var request = new HttpRequestMessage(route.Method, new Uri(_baseUri, route.Path.TrimStart('/')));
        // Interaction routes carry their own credential (the interaction token in the path); the bot token stays home.
        if (!route.Interaction)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bot", _options.Token);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (body is not null)
            request.Content = files is { Count: > 0 } ? DiscordMultipart.Body(body, files) : new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return request;
    }

    private void ThrowIfUnauthorized(DiscordRoute route)
    {
        if (_unauthorized && !route.Interaction)
            throw Unauthorized();
    }

    private static DiscordAuthenticationException Unauthorized() =>
        new("Discord answered 401 Unauthorized: the bot token is invalid or was reset. No further Discord requests will be sent; set a valid Discord:Token and restart.");

    private static DiscordRestException Failure(DiscordRoute route, int status, string body)
    {
        // Discord's JSON errors carry a numeric code and a message; neither echoes the token.
        int? code = null;
        string? message = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number)
                    code = c.GetInt32();
                message = DiscordJson.OptionalString(doc.RootElement, "message");
            }
        }
        catch (JsonException)
        {
        }

        var detail = message is null ? "" : $": {message}" + (code is null ? "" : $" (code {code})");
        return new DiscordRestException($"{route.TemplateKey} failed with HTTP {status}{detail}.", status, code);
    }

    private static void RequireSnowflake(string id, string name)
    {
        // Ids go into the URL path; only digits can be a snowflake, which also rules out path tricks.
        if (string.IsNullOrEmpty(id) || !ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new ArgumentException($"{name} must be a Discord snowflake (digits only).", name);
    }

    private static string BuildUserAgent()
    {
        var version = typeof(DiscordRestClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
            version = version[..plus];
        return $"DiscordBot (https://github.com/eventbot/eventbot, {version})";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Waiting {Wait} before {Route} (global limit: {Global})")]
        public static partial void Waiting(ILogger logger, string route, TimeSpan wait, bool global);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Discord rate limited {Route}: retrying after {RetryAfter} (global: {Global}, retry_after readable: {Readable})")]
        public static partial void RateLimited(ILogger logger, string route, TimeSpan retryAfter, bool global, bool readable);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Discord answered {Status} for {Route}; retry {Attempt} in {Backoff}")]
        public static partial void ServerError(ILogger logger, string route, int status, TimeSpan backoff, int attempt);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "{Route} was answered 'already acknowledged' after a server error: the first try had gone through")]
        public static partial void AcknowledgedOnRetry(ILogger logger, string route);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Critical, Message = "Discord answered 401 Unauthorized for {Route}: the bot token is invalid or was reset. All further Discord requests are refused until restart.")]
        public static partial void Unauthorized(ILogger logger, string route);
    }
}
