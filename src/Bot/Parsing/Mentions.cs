using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.Domain.Common;

namespace EventBot.Bot.Parsing;

/// <summary>What a typed word turned out to be as a mention.</summary>
public abstract record MentionLookup
{
    private MentionLookup() { }

    public sealed record Found(ChatUser User) : MentionLookup;

    public sealed record Unknown : MentionLookup;

    public sealed record NotAMention : MentionLookup;
}

/// <summary>Matches typed mentions to the message's mentioned users.</summary>
public static class Mentions
{
    /// <summary>An optional single mention: nothing typed is <see cref="MentionLookup.NotAMention"/>.</summary>
    public static MentionLookup Optional(ChatMessage message, string rest)
    {
        if (rest.Length == 0) return new MentionLookup.NotAMention();
        var (first, after) = SplitFirst(rest);
        return after.Length == 0 ? Find(message, first) : new MentionLookup.Unknown();
    }

    /// <summary>The first word, or a whole quoted console mention <c>@"bob smith"</c>, and the rest.</summary>
    public static (string Word, string After) SplitFirst(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith("@\"", StringComparison.Ordinal) && trimmed.IndexOf('"', 2) is var close and > 0)
        {
            var end = close + 1;
            while (end < trimmed.Length && !char.IsWhiteSpace(trimmed[end])) end++;
            return (trimmed[..end], trimmed[end..].Trim());
        }
        return Words.SplitFirst(text);
    }

    /// <summary>
    /// Discord writes <c>&lt;@id&gt;</c> or <c>&lt;@!id&gt;</c>; the console writes <c>@name</c> (ids derived from
    /// names, like the console adapter does).
    /// </summary>
    public static MentionLookup Find(ChatMessage message, string token)
    {
        if (token.StartsWith("<@", StringComparison.Ordinal) && token.EndsWith('>'))
        {
            var digits = token[2..^1].TrimStart('!');
            return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && message.Mentions.FirstOrDefault(u => u.Id.Value == id) is { } byId
                ? new MentionLookup.Found(byId)
                : new MentionLookup.Unknown();
        }
        if (token.StartsWith('@') && token.Length > 1)
        {
            var name = token[1..].TrimEnd('.', ',', '!', '?', ':', ';');
            if (name.Length > 1 && name[0] == '"' && name[^1] == '"') name = string.Join(' ', name[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            var user = message.Mentions.FirstOrDefault(u => u.DisplayName.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? (name.Length == 0 ? null : message.Mentions.FirstOrDefault(u => u.Id == UserId.FromName(name)));
            return user is null ? new MentionLookup.Unknown() : new MentionLookup.Found(user);
        }
        return new MentionLookup.NotAMention();
    }
}
