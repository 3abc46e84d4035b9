using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EventBot.Discord.Tests.Fake;

/// <summary>
/// The interaction half of the fake, from the docs (Interactions › Receiving and Responding; Application Commands):
/// one callback per interaction (a second answers 40060), edits and follow-ups with the interaction's token, and a
/// command registry that stores what a bulk overwrite sent and answers it back with the fields Discord adds.
/// Faults: an interaction answered 10062 (expired), scripted callback answers (429, 5xx, slow).
/// </summary>
public sealed partial class FakeDiscordServer
{
    private readonly ConcurrentDictionary<string, FakeInteractionState> _interactions = new();
    private readonly ConcurrentQueue<FakeRestResponse> _callbackScript = new();
    private readonly ConcurrentQueue<FakeRestResponse> _webhookScript = new();
    private readonly ConcurrentDictionary<string, JsonArray> _commands = new();
    private readonly List<FakeInteractionCall> _interactionCalls = [];
    private readonly List<FakeCommandPut> _commandPuts = [];
    private long _snowflake = 1_300_000_000_000_000_000;

    /// <summary>Callbacks, edits and follow-ups, in the order they arrived (successful or not).</summary>
    public IReadOnlyList<FakeInteractionCall> InteractionCalls
    {
        get
        {
            lock (_gate)
                return [.. _interactionCalls];
        }
    }

    public IEnumerable<FakeInteractionCall> Callbacks => InteractionCalls.Where(c => c.Kind == FakeInteractionCallKind.Callback);

    /// <summary>Every bulk overwrite that was accepted, in order.</summary>
    public IReadOnlyList<FakeCommandPut> CommandPuts
    {
        get
        {
            lock (_gate)
                return [.. _commandPuts];
        }
    }

    /// <summary>GETs of a command list (global or guild).</summary>
    public int CommandGets => Requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/commands", StringComparison.Ordinal));

    /// <summary>Makes the fake know an interaction (as if Discord had just created it) without dispatching it.</summary>
    public void RegisterInteraction(JsonObject interaction) =>
        _interactions[interaction["id"]!.GetValue<string>()] = new FakeInteractionState(interaction["token"]!.GetValue<string>());

    /// <summary>From now on the interaction is past its deadline: its callback answers 10062, its webhook 50027.</summary>
    public void ExpireInteraction(string interactionId) =>
        _interactions.AddOrUpdate(interactionId, _ => new FakeInteractionState("") { Expired = true }, (_, state) => state with { Expired = true });

    /// <summary>Queues answers for the next callbacks (429 with retry_after, 5xx, a slow answer via Delay …).</summary>
    public void EnqueueCallback(params FakeRestResponse[] responses)
    {
        foreach (var response in responses)
            _callbackScript.Enqueue(response);
    }

    /// <summary>Queues answers for the next edits of @original and follow-ups (429 with retry_after, 5xx …).</summary>
    public void EnqueueWebhook(params FakeRestResponse[] responses)
    {
        foreach (var response in responses)
            _webhookScript.Enqueue(response);
    }

    /// <summary>The registered commands (global when <paramref name="guildId"/> is null), as GET would answer.</summary>
    public JsonArray RegisteredCommands(string? guildId = null) =>
        _commands.TryGetValue(Scope(guildId), out var list) ? (JsonArray)list.DeepClone() : [];

    /// <summary>Sets the registered commands directly, as if another tool had registered them (stored as given).</summary>
    public void SetRegisteredCommands(string? guildId, JsonArray commands) => _commands[Scope(guildId)] = (JsonArray)commands.DeepClone();

    private void MapInteractionRoutes(WebApplication app)
    {
        app.MapPost("/api/v10/interactions/{interactionId}/{token}/callback", (Delegate)CallbackAsync);
        app.MapMethods("/api/v10/webhooks/{applicationId}/{token}/messages/@original", ["PATCH"], (Delegate)EditOriginalAsync);
        app.MapPost("/api/v10/webhooks/{applicationId}/{token}", (Delegate)FollowUpAsync);
        app.MapGet("/api/v10/applications/@me", (Delegate)CurrentApplication);
        app.MapGet("/api/v10/applications/{applicationId}/commands", (HttpContext c, string applicationId) => GetCommands(c, applicationId, null));
        app.MapGet("/api/v10/applications/{applicationId}/guilds/{guildId}/commands", (Delegate)GetCommands);
        app.MapPut("/api/v10/applications/{applicationId}/commands", (HttpContext c, string applicationId) => PutCommandsAsync(c, applicationId, null));
        app.MapPut("/api/v10/applications/{applicationId}/guilds/{guildId}/commands", (Delegate)PutCommandsAsync);
    }

    private async Task<IResult> CallbackAsync(HttpContext context, string interactionId, string token)
    {
        var body = await ReadBodyAsync(context);
        Record(context, body, requireBotToken: false);
        RecordCall(FakeInteractionCallKind.Callback, interactionId, token, context, body);
        var applyFirst = false;
        if (_callbackScript.TryDequeue(out var scripted))
        {
            if (scripted.Delay is { } delay)
                await Task.Delay(delay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            applyFirst = scripted.Headers?.ContainsKey(FakeRestResponse.ApplyFirstHeader) == true;
            if (scripted.Status != 204 && !applyFirst)
                return Scripted(context, scripted);
        }

        if (!_interactions.TryGetValue(interactionId, out var state) || state.Expired || state.Token != token)
            return Scripted(context, FakeRestResponse.UnknownInteraction());
        if (!_interactions.TryUpdate(interactionId, state with { Acknowledged = true }, state with { Acknowledged = false }))
            return Scripted(context, new FakeRestResponse(400, """{"message":"Interaction has already been acknowledged.","code":40060}"""));
        if (applyFirst)
            return Scripted(context, scripted!); // applied, but the answer says otherwise (a 5xx after the fact)
        InteractionLimitHeaders(context, "fake-interaction-callback");
        return Results.NoContent();
    }

    private async Task<IResult> EditOriginalAsync(HttpContext context, string applicationId, string token)
    {
        var message = await ReadMessageBodyAsync(context);
        var body = message.Json;
        Record(context, body, requireBotToken: false, files: message.Files);
        RecordCall(FakeInteractionCallKind.EditOriginal, null, token, context, body, message.Files);
        if (message.Error is { } refused)
            return Scripted(context, refused);
        if (_webhookScript.TryDequeue(out var scripted))
            return Scripted(context, scripted);
        if (WebhookFailure(applicationId, token, needsAcknowledged: true) is { } failure)
            return Scripted(context, failure);
        InteractionLimitHeaders(context, "fake-interaction-webhook");
        return Results.Json(EchoMessage(body, message.Files));
    }

    private async Task<IResult> FollowUpAsync(HttpContext context, string applicationId, string token)
    {
        var message = await ReadMessageBodyAsync(context);
        var body = message.Json;
        Record(context, body, requireBotToken: false, files: message.Files);
        RecordCall(FakeInteractionCallKind.FollowUp, null, token, context, body, message.Files);
        if (message.Error is { } refused)
            return Scripted(context, refused);
        if (_webhookScript.TryDequeue(out var scripted))
            return Scripted(context, scripted);
        if (WebhookFailure(applicationId, token, needsAcknowledged: true) is { } failure)
            return Scripted(context, failure);
        InteractionLimitHeaders(context, "fake-interaction-webhook");
        return Results.Json(EchoMessage(body, message.Files));
    }

    private FakeRestResponse? WebhookFailure(string applicationId, string token, bool needsAcknowledged)
    {
        if (applicationId != ApplicationId)
            return new FakeRestResponse(404, """{"message":"Unknown Webhook","code":10015}""");
        var state = _interactions.Values.FirstOrDefault(s => s.Token == token);
        if (state is null || state.Expired)
            return new FakeRestResponse(401, """{"message":"Invalid Webhook Token","code":50027}""");
        return needsAcknowledged && !state.Acknowledged ? new FakeRestResponse(404, """{"message":"Unknown Message","code":10008}""") : null;
    }

    private IResult CurrentApplication(HttpContext context)
    {
        if (Record(context, "") is { } unauthorized)
            return unauthorized;
        return Results.Json(new JsonObject
        {
            ["id"] = ApplicationId,
            ["name"] = "EventBot",
            ["description"] = "",
            ["bot_public"] = true,
            ["bot_require_code_grant"] = false,
            ["bot"] = new JsonObject { ["id"] = BotUserId, ["username"] = "eventbot", ["bot"] = true },
            ["verify_key"] = "0000000000000000000000000000000000000000000000000000000000000000",
            ["flags"] = 0,
        });
    }

    private IResult GetCommands(HttpContext context, string applicationId, string? guildId)
    {
        if (Record(context, "") is { } unauthorized)
            return unauthorized;
        if (applicationId != ApplicationId)
            return Scripted(context, MissingAccess());
        return Results.Json(RegisteredCommands(guildId));
    }

    private async Task<IResult> PutCommandsAsync(HttpContext context, string applicationId, string? guildId)
    {
        var body = await ReadBodyAsync(context);
        if (Record(context, body) is { } unauthorized)
            return unauthorized;
        if (applicationId != ApplicationId)
            return Scripted(context, MissingAccess());
        if (JsonNode.Parse(body) is not JsonArray sent || sent.Count > 100)
            return Scripted(context, new FakeRestResponse(400, """{"message":"Invalid Form Body","code":50035}"""));

        var before = RegisteredCommands(guildId);
        var stored = new JsonArray();
        foreach (var node in sent)
        {
            var command = (JsonObject)node!.DeepClone();
            var type = command["type"]?.GetValue<int>() ?? 1;
            var name = command["name"]?.GetValue<string>();
            // Discord keeps a command's id when a command of that type and name was registered before.
            var id = before.OfType<JsonObject>().FirstOrDefault(c => c["name"]?.GetValue<string>() == name && (c["type"]?.GetValue<int>() ?? 1) == type)?["id"]?.GetValue<string>()
                     ?? NextSnowflake();
            stored.Add(AsDiscordReturnsIt(command, id, guildId));
        }

        _commands[Scope(guildId)] = stored;
        lock (_gate)
            _commandPuts.Add(new FakeCommandPut(guildId, JsonNode.Parse(body)!.AsArray(), Time.GetUtcNow()));
        return Results.Json(stored);
    }

    /// <summary>What GET answers for a registered command: the fields Discord fills in, in its order, around what was sent.</summary>
    private JsonObject AsDiscordReturnsIt(JsonObject sent, string id, string? guildId)
    {
        var result = new JsonObject
        {
            ["id"] = id,
            ["application_id"] = ApplicationId,
            ["version"] = NextSnowflake(),
            ["default_member_permissions"] = null,
            ["type"] = sent["type"]?.DeepClone() ?? 1,
            ["name"] = sent["name"]?.DeepClone(),
            ["description"] = sent["description"]?.DeepClone(),
        };
        if (guildId is null)
            result["dm_permission"] = true;
        else
            result["guild_id"] = guildId;
        result["contexts"] = null;
        result["integration_types"] = new JsonArray(0);
        result["nsfw"] = false;
        if (sent["options"] is JsonArray options)
            result["options"] = WithDefaults(options);
        foreach (var (key, value) in sent)
        {
            if (!result.ContainsKey(key))
                result[key] = value?.DeepClone();
        }

        return result;
    }

    /// <summary>Options come back with <c>required: false</c> spelled out, as an example of a default the sync must see past.</summary>
    private static JsonArray WithDefaults(JsonArray options)
    {
        var result = new JsonArray();
        foreach (var option in options.OfType<JsonObject>())
        {
            var copy = (JsonObject)option.DeepClone();
            if (copy["type"]?.GetValue<int>() > 2 && !copy.ContainsKey("required"))
                copy["required"] = false;
            if (copy["options"] is JsonArray nested)
                copy["options"] = WithDefaults(nested);
            result.Add(copy);
        }

        return result;
    }

    private void RecordCall(FakeInteractionCallKind kind, string? interactionId, string token, HttpContext context, string body, IReadOnlyList<FakeUploadedFile>? files = null)
    {
        var json = body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        lock (_gate)
            _interactionCalls.Add(new FakeInteractionCall(kind, interactionId, token, context.Request.Headers.Authorization.ToString(), json, Time.GetUtcNow(), files ?? []));
    }

    private JsonObject EchoMessage(string body, IReadOnlyList<FakeUploadedFile>? files = null)
    {
        var sent = JsonNode.Parse(body) as JsonObject ?? [];
        return new JsonObject
        {
            ["id"] = NextSnowflake(),
            ["type"] = 20,
            ["content"] = sent["content"]?.DeepClone() ?? "",
            ["author"] = new JsonObject { ["id"] = ApplicationId, ["username"] = "eventbot", ["bot"] = true },
            ["flags"] = sent["flags"]?.DeepClone() ?? 0,
            ["attachments"] = Attachments(files ?? []),
        };
    }

    private static void InteractionLimitHeaders(HttpContext context, string bucket)
    {
        context.Response.Headers["X-RateLimit-Limit"] = "5";
        context.Response.Headers["X-RateLimit-Remaining"] = "4";
        context.Response.Headers["X-RateLimit-Reset-After"] = "1.000";
        context.Response.Headers["X-RateLimit-Bucket"] = bucket;
    }

    private static FakeRestResponse MissingAccess() => new(403, """{"message":"Missing Access","code":50001}""");

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync();
    }

    private string NextSnowflake() => Interlocked.Increment(ref _snowflake).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Scope(string? guildId) => guildId ?? "global";

    private sealed record FakeInteractionState(string Token)
    {
        public bool Acknowledged { get; init; }

        public bool Expired { get; init; }
    }
}

public enum FakeInteractionCallKind
{
    Callback,
    EditOriginal,
    FollowUp,
}

/// <summary>A callback, edit or follow-up as the fake received it. <see cref="Authorization"/> should be empty.
/// <see cref="Body"/> is the JSON (a multipart body's <c>payload_json</c>); <see cref="Files"/> its <c>files[n]</c> parts.</summary>
public sealed record FakeInteractionCall(FakeInteractionCallKind Kind, string? InteractionId, string Token, string Authorization, JsonElement Body, DateTimeOffset ReceivedAt,
    IReadOnlyList<FakeUploadedFile> Files);

/// <summary>A bulk overwrite of the global (<see cref="GuildId"/> null) or a guild's commands.</summary>
public sealed record FakeCommandPut(string? GuildId, JsonArray Body, DateTimeOffset ReceivedAt);
