using System.Globalization;
using System.Text.RegularExpressions;
using EventBot.Domain.Common;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// The time in <c>.remember &lt;key&gt; as of &lt;time&gt;</c>. Pure: "now" is passed in (from <see cref="TimeProvider"/>).
/// Accepts an ISO 8601 date (meaning the end of that day, UTC, or now for today), an ISO 8601 date-time (UTC unless it carries an
/// offset), or a relative time: <c>15m ago</c>, <c>2h ago</c>, <c>3d ago</c>, <c>1w ago</c>.
/// </summary>
public static partial class PointInTime
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ssK",
    ];

    public static Validated<DateTimeOffset> Parse(string? text, DateTimeOffset now)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0) return Validated<DateTimeOffset>.Invalid("the time is missing (e.g. `2026-11-20`, `2026-11-20T14:30Z` or `3d ago`)");
        DateTimeOffset at;
        if (Relative().Match(t) is { Success: true } m)
        {
            if (!long.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 100_000)
                return Validated<DateTimeOffset>.Invalid($"`{t}` is too far back");
            var unit = m.Groups["unit"].Value.ToLowerInvariant();
            var span = unit[0] switch
            {
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => TimeSpan.FromDays(7 * n),
            };
            if (span > now - DateTimeOffset.MinValue) return Validated<DateTimeOffset>.Invalid($"`{t}` is too far back");
            at = now - span;
        }
        else if (DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            at = new DateTimeOffset(date.ToDateTime(new TimeOnly(23, 59, 59, 999, 999), DateTimeKind.Utc)).AddTicks(9);
            if (at > now && date == DateOnly.FromDateTime(now.UtcDateTime)) at = now; // today: as of now, not "23:59 is in the future"
        }
        else if (DateTimeOffset.TryParseExact(t, DateTimeFormats, CultureInfo.InvariantCulture,
                     DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var exact))
        {
            at = exact;
        }
        else
        {
            return Validated<DateTimeOffset>.Invalid($"I can't read the time `{Chat.Md.Shorten(t, 40)}`: use a date (`2026-11-20`), a date and time (`2026-11-20T14:30Z`) or a relative time (`15m ago`, `2h ago`, `3d ago`, `1w ago`)");
        }
        return at > now
            ? Validated<DateTimeOffset>.Invalid($"{Chat.Md.When(at)} is in the future; `as of` looks back in time")
            : Validated<DateTimeOffset>.Valid(at);
    }

    [GeneratedRegex(@"^(?<n>\d{1,9})\s*(?<unit>m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|wk|weeks?)\s+ago$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Relative();
}
