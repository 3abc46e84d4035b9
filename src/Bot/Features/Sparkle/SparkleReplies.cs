using System.Text;
using EventBot.Bot.Chat;
using EventBot.Domain.Sparkle;
using EventBot.Projections.Leaderboards;
using EventBot.Projections.Sparkle;
using Appended = EventBot.Bot.Pipeline.CommandOutcome<EventBot.Domain.Sparkle.Sparkles, EventBot.Domain.Sparkle.SparkleEvent>.Appended;

namespace EventBot.Bot.Features.Sparkle;

/// <summary>How sparkles read in chat.</summary>
public static class SparkleReplies
{
    public static Reply Given(Appended a)
    {
        var e = a.Event<SparkleEvent.SparkleGiven>();
        var (why, total) = (e.Reason is null ? "" : $" for “{Md.Text(e.Reason)}”", a.Before.Total + 1);
        var text = total == 1
            ? $"✨ {e.GiverName} sparkled {e.TargetName}{why}: first sparkle! 🎉"
            : $"✨ {e.GiverName} sparkled {e.TargetName}{why}: {e.TargetName} now has {total} sparkles.";
        return Reply.Of(text);
    }

    /// <summary>No sparkles yet; the hint is something the asker can do (nobody can sparkle themselves).</summary>
    public static Reply NoneYet(ChatUser user, ChatUser asker) =>
        Reply.Of(user.Id == asker.Id
            ? $"{user.DisplayName} has no sparkles yet. Sparkles come from others; start by thanking someone: `.sparkle @name for <reason>`"
            : $"{user.DisplayName} has no sparkles yet. Give one: `.sparkle @{user.DisplayName} for <reason>`");

    public static Reply Shown(ChatUser user, SparkleTotal total, IReadOnlyList<Ranked<BoardEntry>> ranked)
    {
        var rank = ranked.FirstOrDefault(r => r.Entry.UserId == user.Id.Value)?.Rank;
        var title = $"✨ {total.Name}: {Plural(total.Total, "sparkle")}" + (rank is { } n ? $" — rank #{n} of {ranked.Count} in this server" : "");
        var lines = total.Recent.Select(Line).ToList();
        var text = new StringBuilder(title);
        if (lines.Count > 0) text.Append($"\nLatest {lines.Count}:");
        foreach (var line in lines) text.Append("\n• ").Append(line);
        return new Reply(text.ToString(), new ReplyEmbed(title, lines.Count == 0 ? null : string.Join('\n', lines), []));
    }

    private static string Line(SparkleNote note) =>
        $"{Md.When(note.At)} · from {note.GiverName}" + (note.Reason is null ? "" : $" · “{Md.Text(note.Reason)}”");

    private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";
}
