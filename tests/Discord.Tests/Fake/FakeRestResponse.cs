using System.Globalization;

namespace EventBot.Discord.Tests.Fake;

/// <summary>A scripted REST answer. Headers are sent verbatim, so tests can script any rate-limit header combination.</summary>
/// <param name="Delay">Real time to hold the answer back, to script a server that hangs.</param>
public sealed record FakeRestResponse(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null, TimeSpan? Delay = null)
{
    public static FakeRestResponse RateLimited(double retryAfterSeconds, bool global = false, string bucket = "fake-bucket") => new(
        429,
        $$"""{"message":"You are being rate limited.","retry_after":{{retryAfterSeconds.ToString(CultureInfo.InvariantCulture)}},"global":{{(global ? "true" : "false")}}}""",
        Headers: global
            ? new Dictionary<string, string> { ["X-RateLimit-Global"] = "true", ["X-RateLimit-Scope"] = "global", ["Retry-After"] = Math.Ceiling(retryAfterSeconds).ToString(CultureInfo.InvariantCulture) }
            : new Dictionary<string, string>
            {
                ["X-RateLimit-Limit"] = "5",
                ["X-RateLimit-Remaining"] = "0",
                ["X-RateLimit-Bucket"] = bucket,
                ["X-RateLimit-Scope"] = "user",
                ["X-RateLimit-Reset-After"] = retryAfterSeconds.ToString(CultureInfo.InvariantCulture),
                ["Retry-After"] = Math.Ceiling(retryAfterSeconds).ToString(CultureInfo.InvariantCulture),
            });

    /// <summary>What Cloudflare sends when it blocks an IP: HTML, no Discord headers.</summary>
    public static FakeRestResponse CloudflareHtml429(string? retryAfterHeader = null) => new(
        429,
        "<!DOCTYPE html><html><head><title>Access denied | discord.com used Cloudflare to restrict access</title></head><body>Error 1015</body></html>",
        "text/html",
        retryAfterHeader is null ? null : new Dictionary<string, string> { ["Retry-After"] = retryAfterHeader });

    /// <summary>Marks a scripted callback answer that the fake sends after applying the callback (a lost success).</summary>
    public const string ApplyFirstHeader = "X-Fake-Applied";

    /// <summary>A callback Discord applied but answered with a 5xx: the retry then meets 40060.</summary>
    public static FakeRestResponse ServerErrorAfterApplying() =>
        new(500, """{"message":"Internal Server Error","code":0}""", Headers: new Dictionary<string, string> { [ApplyFirstHeader] = "true" });

    public static FakeRestResponse ServerError(int status = 500) => new(status, """{"message":"Internal Server Error","code":0}""");

    /// <summary>What Discord answers a callback that came too late (or for an interaction it does not know).</summary>
    public static FakeRestResponse UnknownInteraction() => new(404, """{"message":"Unknown interaction","code":10062}""");

    /// <summary>For <see cref="FakeDiscordServer.EnqueueCallback"/>: hold the callback back, then handle it normally.</summary>
    public static FakeRestResponse Slow(TimeSpan delay) => new(204, "", Delay: delay);

    public static FakeRestResponse Unauthorized() => new(401, """{"message":"401: Unauthorized","code":0}""");

    /// <summary>A success that empties the bucket: the next request on it must wait <paramref name="resetAfterSeconds"/>.</summary>
    public static FakeRestResponse OkExhausted(double resetAfterSeconds, string bucket = "fake-bucket") => new(
        200,
        "{}",
        Headers: new Dictionary<string, string>
        {
            ["X-RateLimit-Limit"] = "5",
            ["X-RateLimit-Remaining"] = "0",
            ["X-RateLimit-Bucket"] = bucket,
            ["X-RateLimit-Reset-After"] = resetAfterSeconds.ToString(CultureInfo.InvariantCulture),
        });
}

/// <summary>A REST request as the fake received it. <see cref="Body"/> is the JSON (a multipart body's <c>payload_json</c>); <see cref="Files"/> its <c>files[n]</c> parts.</summary>
public sealed record FakeRecordedRequest(string Method, string Path, string? Authorization, string? UserAgent, string Body, DateTimeOffset ReceivedAt, IReadOnlyList<FakeUploadedFile> Files);
