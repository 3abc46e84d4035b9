using System.Globalization;
using System.Text.Json;

namespace EventBot.Discord.Rest;

/// <summary>Reading how long a 429 asks to wait: JSON body first, then the headers, then a safe default.</summary>
public sealed partial class DiscordRestClient
{
    /// <summary>The JSON body's retry_after (seconds) is authoritative; headers are the fallback for non-JSON bodies.</summary>
    internal static (TimeSpan RetryAfter, bool Global, bool Readable) ReadRetryAfter(HttpResponseMessage response, string body, DateTimeOffset now)
    {
        var global = response.Headers.TryGetValues("X-RateLimit-Global", out var g) && g.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("retry_after", out var ra) && ra.ValueKind == JsonValueKind.Number)
            {
                global |= doc.RootElement.TryGetProperty("global", out var gl) && gl.ValueKind == JsonValueKind.True;
                return (TimeSpan.FromSeconds(Math.Max(0, ra.GetDouble())), global, true);
            }
        }
        catch (JsonException)
        {
            // Cloudflare answers 429 with an HTML page when the IP is banned for too many invalid requests.
        }

        if (response.Headers.RetryAfter is { } header)
        {
            if (header.Delta is { } delta)
                return (delta, global, true);
            if (header.Date is { } date)
                return (Max(date - now, TimeSpan.Zero), global, true);
        }

        if (response.Headers.TryGetValues("X-RateLimit-Reset-After", out var values)
            && double.TryParse(values.First(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return (TimeSpan.FromSeconds(seconds), global, true);

        // Unknown scope: an HTML 429 is an IP-level block, so pause everything, not just this route.
        return (UnreadableRetryAfter, true, false);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
