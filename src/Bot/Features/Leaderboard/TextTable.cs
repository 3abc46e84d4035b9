using System.Globalization;
using System.Text;
using EventBot.Domain.Common;

namespace EventBot.Bot.Features.Leaderboard;

/// <summary>
/// A plain-text table for the console (and any monospace reader): columns padded by visible width, numbers right
/// aligned. Names are cut to <see cref="MaxCell"/> characters so one long name cannot push the table apart.
/// </summary>
public static class TextTable
{
    public const int MaxCell = 20;

    /// <param name="headers">Column titles.</param>
    /// <param name="rows">Cells per row; a null row is a "…" separator.</param>
    /// <param name="rightAligned">Which columns hold numbers.</param>
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>?> rows, IReadOnlySet<int> rightAligned)
    {
        var cells = rows.Select(r => r?.Select(Cut).ToArray()).ToList();
        var widths = headers.Select((h, i) => cells.Where(r => r is not null).Select(r => Width(r![i])).Append(Width(h)).Max()).ToArray();
        var text = new StringBuilder();
        Line(text, headers, widths, rightAligned);
        foreach (var row in cells)
        {
            text.Append('\n');
            if (row is null) text.Append('…');
            else Line(text, row, widths, rightAligned);
        }
        return text.ToString();
    }

    private static void Line(StringBuilder text, IReadOnlyList<string> row, int[] widths, IReadOnlySet<int> rightAligned)
    {
        var line = new StringBuilder();
        for (var i = 0; i < row.Count; i++)
        {
            if (i > 0) line.Append("  ");
            var pad = new string(' ', widths[i] - Width(row[i]));
            line.Append(rightAligned.Contains(i) ? pad + row[i] : row[i] + pad);
        }
        text.Append(line.ToString().TrimEnd());
    }

    // Cut by text elements, so an emoji made of several code points is kept whole or dropped whole.
    private static string Cut(string cell) => Width(cell) <= MaxCell ? cell : new StringInfo(cell).SubstringByTextElements(0, MaxCell - 1) + "…";

    private static int Width(string cell) => TextRules.VisibleLength(cell);
}
