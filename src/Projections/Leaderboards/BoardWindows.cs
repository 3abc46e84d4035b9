using System.Globalization;

namespace EventBot.Projections.Leaderboards;

/// <summary>The calendar windows a board ranks over. Windows are UTC: ISO weeks (Monday first) and calendar months.</summary>
public enum BoardWindow
{
    All,
    Week,
    Month,
}

/// <summary>
/// Window keys as they appear in board partitions: <c>all</c>, <c>2026-W48</c>, <c>2026-11</c>. An event belongs to the
/// windows of its own time, so a board row for one window is only ever touched by events inside it.
/// </summary>
public static class BoardWindows
{
    public const string AllTime = "all";

    public static string Week(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(utc)}-W{ISOWeek.GetWeekOfYear(utc):00}");
    }

    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string Key(BoardWindow window, DateTimeOffset at) => window switch
    {
        BoardWindow.All => AllTime,
        BoardWindow.Week => Week(at),
        BoardWindow.Month => Month(at),
        _ => throw new ArgumentOutOfRangeException(nameof(window), window, null),
    };

    /// <summary>The windows every standard board keeps: all time, the ISO week and the month of the event.</summary>
    public static IEnumerable<string> Standard(DateTimeOffset at) => [AllTime, Week(at), Month(at)];

    /// <summary>The words players type: week, month, all (and a few obvious synonyms).</summary>
    public static bool TryParse(string word, out BoardWindow window)
    {
        switch (word.ToLowerInvariant())
        {
            case "week" or "weekly" or "w":
                window = BoardWindow.Week;
                return true;
            case "month" or "monthly" or "m":
                window = BoardWindow.Month;
                return true;
            case "all" or "alltime" or "all-time" or "ever":
                window = BoardWindow.All;
                return true;
            default:
                window = default;
                return false;
        }
    }

    /// <summary>"all time", "week 2026-W48", "month 2026-11".</summary>
    public static string Describe(BoardWindow window, DateTimeOffset at) => window switch
    {
        BoardWindow.All => "all time",
        BoardWindow.Week => $"week {Week(at)}",
        BoardWindow.Month => $"month {Month(at)}",
        _ => window.ToString(),
    };
}
