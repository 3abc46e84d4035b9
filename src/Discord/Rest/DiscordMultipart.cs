using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace EventBot.Discord.Rest;

/// <summary>
/// A message body with files, as the API reference's "Uploading Files" describes it: a <c>multipart/form-data</c> body
/// whose <c>payload_json</c> part is the JSON message (with <c>attachments: [{id: n, filename}]</c>) and whose
/// <c>files[n]</c> parts carry the bytes, each with a <c>Content-Disposition</c> naming the part and the file.
/// </summary>
internal static class DiscordMultipart
{
    /// <summary>Adds the <c>attachments</c> entries to <paramref name="payload"/>: the index is the snowflake placeholder.</summary>
    public static void Describe(JsonObject payload, IReadOnlyList<DiscordFile> files)
    {
        var attachments = new JsonArray();
        for (var i = 0; i < files.Count; i++)
        {
            Check(files[i]);
            attachments.Add(new JsonObject { ["id"] = i, ["filename"] = files[i].FileName });
        }
        payload["attachments"] = attachments;
    }

    /// <summary>A fresh body for each try: a retried request (429, 5xx) sends the same bytes again.</summary>
    public static HttpContent Body(JsonNode payload, IReadOnlyList<DiscordFile> files)
    {
        var body = new MultipartFormDataContent("eventbot-" + Guid.NewGuid().ToString("N"));
        var json = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json");
        json.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"payload_json\"" };
        body.Add(json);
        for (var i = 0; i < files.Count; i++)
        {
            var part = new ReadOnlyMemoryContent(files[i].Content);
            part.Headers.ContentType = new MediaTypeHeaderValue(files[i].ContentType);
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = $"\"files[{i}]\"", FileName = $"\"{files[i].FileName}\"" };
            body.Add(part);
        }
        return body;
    }

    /// <summary>A name that needs no escaping in a header (letters, digits, '-', '_', '.'), and a size Discord takes.</summary>
    private static void Check(DiscordFile file)
    {
        if (file.FileName.Length is 0 or > 200 || !file.FileName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException("A file name is 1 to 200 characters of letters, digits, '-', '_' and '.'.", nameof(file));
        if (file.Content.Length > DiscordFile.MaxBytes)
            throw new ArgumentException($"{file.FileName} is {file.Content.Length} bytes; Discord takes at most {DiscordFile.MaxBytes} per file.", nameof(file));
    }
}
