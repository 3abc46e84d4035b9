using System.Text;
using EventBot.Bot.Chat;
using EventBot.Domain.Remember;
using EventBot.EventStore;

namespace EventBot.Bot.Features.Remember;

/// <summary>How <c>.remember history</c> reads: one line per change, newest first, and where the next page is.</summary>
public static class HistoryReplies
{
    /// <param name="redactions">The <see cref="RememberEvent.ValueRedacted"/> events of the key, by the version they redacted.</param>
    public static Reply OfKey(History.Query query, MemoryKey key, History.Page page, Func<EventEnvelope, RememberEvent?> decode,
        IReadOnlyDictionary<long, EventEnvelope>? redactions = null) =>
        page.Total == 0
            ? Reply.Of($"No history for {Md.Code(key.Display)}: it was never remembered in this server.")
            : Render(query, page, decode, redactions);

    public static Reply OfServer(History.Query query, History.Page page, Func<EventEnvelope, RememberEvent?> decode) =>
        page.Events.Count == 0 && query.Page == 1 ? Reply.Of("No history in this server yet.") : Render(query, page, decode);

    private static Reply Render(History.Query query, History.Page page, Func<EventEnvelope, RememberEvent?> decode,
        IReadOnlyDictionary<long, EventEnvelope>? redactions = null)
    {
        if (page.Events.Count == 0) return Reply.Of($"There is no page {query.Page}.");
        var title = query.Key is { } key ? $"History of {Md.Code(key.Display)}" : "Recent changes in this server";
        var pages = (page.Total + History.PageSize - 1) / History.PageSize;
        var lines = page.Events.Select(e => redactions?.GetValueOrDefault(e.Version) is { } r
            ? $"v{e.Version} · redacted by {r.ActorName} on {Md.When(r.RecordedAt)}"
            : Line(e, decode(e), query.Key is null)).ToList();
        var next = query.Key is null ? $".remember history page {query.Page + 1}" : $".remember history {query.Key.Display} page {query.Page + 1}";
        var footer = $"page {query.Page} of {pages}" + (query.Page < pages ? $" — next: `{next}`" : "");
        var text = new StringBuilder(title).Append(':');
        foreach (var line in lines) text.Append("\n• ").Append(line);
        text.Append('\n').Append(footer);
        var buttons = query.Key is { } k
            ? PageCursor.Buttons(PageCursor.KeyHistory, query.Page, pages, page.Mark, PageCursor.KeyArgument(PageCursor.KeyHistory, k.Display, k.Normalized))
            : PageCursor.Buttons(PageCursor.ServerHistory, query.Page, pages, page.Mark);
        return new Reply(text.ToString(), new ReplyEmbed(title, string.Join('\n', lines), [new ReplyField("Page", footer)])) { Buttons = buttons };
    }

    private static string Line(EventEnvelope e, RememberEvent? @event, bool showKey)
    {
        var who = $"v{e.Version} · {Md.When(e.RecordedAt)} · {e.ActorName}";
        var key = showKey && @event is not null ? $"{Md.Code(@event.Key)} " : "";
        return $"{who} · {key}{Change(@event, e.Type, Md.ShortText)}";
    }

    /// <summary>What one event did, in words (shared by chat history and the <c>history</c> CLI verb).</summary>
    public static string Change(RememberEvent? @event, string type) => Change(@event, type, Md.Shorten);

    /// <summary>What one event did, with the values shortened by <paramref name="shorten"/> (chat escapes them; the CLI prints them as typed).</summary>
    private static string Change(RememberEvent? @event, string type, Func<string, int, string> shorten) => @event switch
    {
        RememberEvent.ValueRemembered { PreviousValue: null } r => $"set to “{shorten(r.Value, 80)}”",
        RememberEvent.ValueRemembered r => $"changed “{shorten(r.PreviousValue, 80)}” → “{shorten(r.Value, 80)}”",
        RememberEvent.ValueForgotten f => $"forgot (was “{shorten(f.PreviousValue, 80)}”)",
        RememberEvent.ValueRestored { PreviousValue: null } s => $"restored from v{s.FromVersion} after a forget: “{shorten(s.Value, 80)}”",
        RememberEvent.ValueRestored s => $"restored from v{s.FromVersion}: “{shorten(s.PreviousValue, 80)}” → “{shorten(s.Value, 80)}”",
        RememberEvent.ValueRedacted r => $"redacted v{r.Version}",
        _ => type,
    };
}
