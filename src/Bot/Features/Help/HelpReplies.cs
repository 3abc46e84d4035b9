using System.Globalization;
using System.Text;
using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;

namespace EventBot.Bot.Features.Help;

/// <summary>How <c>.help</c> reads: each syntax's help lines in catalog order, then the verbs' notes.</summary>
public static class HelpReplies
{
    public static Reply Render(string prefix, IReadOnlyList<CommandSyntax> syntaxes)
    {
        var lines = syntaxes.SelectMany(s => s.Help).ToList();
        var text = new StringBuilder("Commands:");
        foreach (var line in lines) text.Append($"\n{prefix}{line.Usage} — {line.Description}");
        foreach (var note in syntaxes.Select(s => s.Verb).Distinct().Select(v => v.HelpNote).OfType<string>())
            text.Append('\n').Append(string.Format(CultureInfo.InvariantCulture, note, prefix));
        var embed = new ReplyEmbed("EventBot commands", null, [.. lines.Select(l => new ReplyField(prefix + l.Usage, l.Description))]);
        return new Reply(text.ToString(), embed);
    }

    /// <summary><c>/help</c>: each slash command with its options (optional ones in brackets), for the caller only.</summary>
    public static Reply RenderSlash(IReadOnlyList<SlashSyntax> slash)
    {
        var lines = slash.Select(s => (Usage: string.Join(' ', [s.Path, .. s.Options.Select(o => o.Required ? $"{o.Name}:" : $"[{o.Name}:]")]), s.Description)).ToList();
        var text = new StringBuilder("Slash commands:");
        foreach (var (usage, description) in lines) text.Append($"\n{usage} — {description}");
        var embed = new ReplyEmbed("EventBot slash commands", null, [.. lines.Select(l => new ReplyField(l.Usage, l.Description))]);
        return new Reply(text.ToString(), embed) { Ephemeral = true };
    }
}
