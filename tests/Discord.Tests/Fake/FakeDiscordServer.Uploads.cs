using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace EventBot.Discord.Tests.Fake;

/// <summary>
/// Files and DMs, from the API reference (Uploading Files; Users › Create DM; JSON error codes): a message body is JSON,
/// or <c>multipart/form-data</c> whose <c>payload_json</c> part is the JSON and whose <c>files[n]</c> parts (each with a
/// <c>filename</c>) are the files, listed in the payload's <c>attachments</c> by <c>id: n</c>. What Discord refuses, the
/// fake refuses the same way: a file part without a filename or an attachment without its part (400, 50035), a file over
/// 10 MiB (413, 40005). <c>POST /users/@me/channels</c> opens a DM channel; a message to the DM of a user in
/// <see cref="ClosedDms"/> answers 403, 50007.
/// </summary>
public sealed partial class FakeDiscordServer
{
    /// <summary>Discord's default upload limit per file.</summary>
    public const int UploadLimitBytes = 10 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, string> _dmChannels = new(); // channel id → user id

    /// <summary>Users who do not accept DMs from the bot: a message to their DM channel answers 50007.</summary>
    public ConcurrentDictionary<string, bool> ClosedDms { get; } = new();

    /// <summary>The DM channel id the fake gives a user (stable: Discord returns the existing channel again).</summary>
    public static string DmChannelOf(string userId) => "7" + userId[1..];

    /// <summary>The user whose DM channel this is; null for a guild channel.</summary>
    public string? DmRecipient(string channelId) => _dmChannels.TryGetValue(channelId, out var user) ? user : null;

    private void MapUploadRoutes(WebApplication app) =>
        app.MapPost("/api/v10/users/@me/channels", (Delegate)CreateDmAsync);

    private async Task<IResult> CreateDmAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        if (Record(context, body) is { } unauthorized)
            return unauthorized;
        if (JsonNode.Parse(body) is not JsonObject { } sent || sent["recipient_id"]?.GetValue<string>() is not { } user || !ulong.TryParse(user, out _))
            return Scripted(context, InvalidFormBody("recipient_id: a snowflake is required"));
        var channel = DmChannelOf(user);
        _dmChannels[channel] = user;
        return Results.Json(new JsonObject
        {
            ["id"] = channel,
            ["type"] = 1,
            ["last_message_id"] = null,
            ["recipients"] = new JsonArray(new JsonObject { ["id"] = user, ["username"] = "user" + user[^4..], ["global_name"] = null }),
        });
    }

    /// <summary>A message body as Discord reads it: the JSON (of <c>payload_json</c> when multipart) and the files, or the error Discord answers.</summary>
    internal static async Task<FakeMessageBody> ReadMessageBodyAsync(HttpContext context)
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return new FakeMessageBody(await ReadBodyAsync(context), [], null);
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
            return new FakeMessageBody("", [], InvalidFormBody("multipart body without a boundary"));

        var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = 4 * UploadLimitBytes };
        string? json = null;
        var files = new List<FakeUploadedFile>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.Ordinal))
                return new FakeMessageBody("", [], InvalidFormBody("every part needs Content-Disposition: form-data"));
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer);
            if (name == "payload_json")
            {
                json = Encoding.UTF8.GetString(buffer.ToArray());
                continue;
            }
            if (!FilePart().IsMatch(name))
                continue; // other form fields (content, tts …) are not used by the bot
            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
            if (string.IsNullOrEmpty(fileName))
                return new FakeMessageBody("", [], InvalidFormBody($"{name}: a file part needs a filename"));
            if (buffer.Length > UploadLimitBytes)
                return new FakeMessageBody("", [], new FakeRestResponse(413, """{"message":"Request entity too large","code":40005}"""));
            files.Add(new FakeUploadedFile(name, fileName, section.ContentType ?? "application/octet-stream", buffer.ToArray()));
        }

        json ??= "{}";
        // Each attachment's id is the n of a files[n] part that came with the request.
        if (JsonNode.Parse(json) is JsonObject payload && payload["attachments"] is JsonArray attachments)
        {
            foreach (var attachment in attachments.OfType<JsonObject>())
            {
                var id = attachment["id"]?.GetValueKind() == JsonValueKind.Number
                    ? attachment["id"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture)
                    : attachment["id"]?.GetValue<string>();
                if (files.All(f => f.PartName != $"files[{id}]"))
                    return new FakeMessageBody("", [], InvalidFormBody($"attachments: id {id} names no files[{id}] part"));
            }
        }
        else if (files.Count > 0 && JsonNode.Parse(json) is not JsonObject)
        {
            return new FakeMessageBody("", [], InvalidFormBody("payload_json is not a JSON object"));
        }
        return new FakeMessageBody(json, files, null);
    }

    private static FakeRestResponse InvalidFormBody(string detail) =>
        new(400, JsonSerializer.Serialize(new { message = "Invalid Form Body", code = 50035, detail }));

    [GeneratedRegex(@"^files\[\d+\]$")]
    private static partial Regex FilePart();
}

/// <param name="Json">The message's JSON (the <c>payload_json</c> part of a multipart body).</param>
/// <param name="Error">What Discord answers a body it refuses; null when it takes it.</param>
internal sealed record FakeMessageBody(string Json, IReadOnlyList<FakeUploadedFile> Files, FakeRestResponse? Error);

/// <summary>A <c>files[n]</c> part as the fake received it.</summary>
public sealed record FakeUploadedFile(string PartName, string FileName, string ContentType, byte[] Content)
{
    public string Text => Encoding.UTF8.GetString(Content);
}
