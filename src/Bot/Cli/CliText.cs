using System.Text;

namespace EventBot.Bot.Cli;

/// <summary>
/// Plain-text records for standard output that fit <see cref="Cli.Width"/> columns: a label, then the value wrapped
/// under itself. Used where a table's cells (errors, JSON bodies) are too long for columns side by side.
/// </summary>
public static class CliText
{
    private const int LabelWidth = 12;

    /// <summary>Writes <c>  label       value…</c>, wrapping the value (at spaces when it can) with a hanging indent.</summary>
    public static void Field(string label, string value) => Console.Out.Write(FieldText(label, value));

    public static string FieldText(string label, string value)
    {
        var indent = new string(' ', 2 + LabelWidth);
        var room = Cli.Width - indent.Length;
        var text = new StringBuilder();
        var first = true;
        foreach (var line in value.ReplaceLineEndings("\n").Split('\n'))
        {
            var rest = line.AsSpan();
            do
            {
                var take = rest.Length <= room ? rest.Length : Cut(rest, room);
                text.Append(first ? "  " + label.PadRight(LabelWidth) : indent).Append(rest[..take].TrimEnd()).Append('\n');
                first = false;
                rest = rest[take..].TrimStart(' ');
            }
            while (!rest.IsEmpty);
        }
        return text.ToString();
    }

    /// <summary>Where to cut a line of more than <paramref name="room"/> characters: after the last space that fits, else hard (never inside a surrogate pair).</summary>
    private static int Cut(ReadOnlySpan<char> line, int room)
    {
        var space = line[..(room + 1)].LastIndexOf(' ');
        if (space > room / 2) return space;
        return char.IsHighSurrogate(line[room - 1]) ? room - 1 : room;
    }
}
