using System.Text;
using EventBot.Bot.Chat;
using EventBot.Projections.Remember;

namespace EventBot.Bot.Features.Remember;

/// <summary>How <c>.remember search</c> reads: the first <see cref="Search.Shown"/> keys with their values.</summary>
public static class SearchReplies
{
    public static Reply Render(string? text, IReadOnlyList<RememberedValue> matches)
    {
        var searched = !string.IsNullOrEmpty(Domain.Common.TextRules.Fold(text ?? ""));
        if (matches.Count == 0)
            return Reply.Of(searched ? $"No keys match {Md.Code(text!)}." : "Nothing remembered in this server yet.");

        // One rendering of the shown keys, used by both the plain text and the embed.
        var lines = matches.Take(Search.Shown).Select(v => $"{Md.Code(v.Key)} — {Md.ShortText(v.Value!, 60)}").ToList();
        var more = matches.Count > Search.Shown ? $"\n…and {matches.Count - Search.Shown} more" : "";
        var body = new StringBuilder(searched ? $"Keys matching {Md.Code(text!)}:" : "Keys in this server:");
        foreach (var line in lines) body.Append("\n• ").Append(line);
        body.Append(more);
        var embed = new ReplyEmbed(searched ? $"Keys matching “{Md.ShortText(text!, 60)}”" : "Remembered keys", string.Join('\n', lines) + more, []);
        return new Reply(body.ToString(), embed);
    }
}
