using System.Text;
using EventBot.Bot.Chat;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// <c>.remember history [key] [page N]</c>: the audit trail, newest first. A key's history reads its own stream
/// (strongly consistent); a server's reads the guild index of the store (may lag a moment on DynamoDB).
/// </summary>
public static class History
{
    public const int PageSize = 10;

    public sealed record Query(ChatMessage Chat, string? Key, int Page) : IQuery<Reply>, IGuildScoped, IValidate
    {
        public string? Validate() =>
            Page < 1 ? "pages start at 1"
            : Page > 1000 ? "that page is too far back (at most page 1,000)"
            : Key is null ? null : MemoryKey.Create(Key).Error;
    }

    public sealed class Handler(IEventReader store, EventCodec codec) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var guild = query.Chat.Guild!.Value;
            IReadOnlyList<EventEnvelope> page;
            int total;
            if (query.Key is { } text)
            {
                var key = MemoryKey.Parse(text);
                var all = await store.ReadStreamAsync(new StreamName(RememberStream.For(guild, key)), 1, cancellationToken);
                if (all.Count == 0) return Reply.Of($"No history for {Md.Code(key.Display)}: it was never remembered in this server.");
                total = all.Count;
                page = [.. all.Reverse().Skip((query.Page - 1) * PageSize).Take(PageSize)];
            }
            else
            {
                // One extra row tells whether another page exists without counting the whole history.
                page = await store.ReadGuildHistoryAsync(guild.ToString(), RememberStream.Category, (query.Page - 1) * PageSize, PageSize + 1, cancellationToken);
                if (page.Count == 0 && query.Page == 1) return Reply.Of("No history in this server yet.");
                total = ((query.Page - 1) * PageSize) + page.Count;
                page = [.. page.Take(PageSize)];
            }
            if (page.Count == 0) return Reply.Of($"There is no page {query.Page}.");

            var title = query.Key is null ? "Recent changes in this server" : $"History of {Md.Code(MemoryKey.Parse(query.Key).Display)}";
            var pages = (total + PageSize - 1) / PageSize;
            var lines = page.Select(e => Line(e, codec.Decode(e) as RememberEvent, query.Key is null)).ToList();
            var next = query.Key is null ? $".remember history page {query.Page + 1}" : $".remember history {query.Key} page {query.Page + 1}";
            var footer = (query.Key is null ? $"page {query.Page}" : $"page {query.Page} of {pages}") + (query.Page < pages ? $" — next: `{next}`" : "");
            var text2 = new StringBuilder(title).Append(':');
            foreach (var line in lines) text2.Append("\n• ").Append(line);
            text2.Append('\n').Append(footer);
            return new Reply(text2.ToString(), new ReplyEmbed(title, string.Join('\n', lines), [new ReplyField("Page", footer)]));
        }

        private static string Line(EventEnvelope e, RememberEvent? @event, bool showKey)
        {
            var who = $"v{e.Version} · {Md.When(e.RecordedAt)} · {e.ActorName}";
            var key = showKey && @event is not null ? $"{Md.Code(@event.Key)} " : "";
            return $"{who} · {key}{Change(@event, e.Type)}";
        }
    }

    /// <summary>What one event did, in words (shared by chat history and the <c>history</c> CLI verb).</summary>
    public static string Change(RememberEvent? @event, string type) => @event switch
    {
        RememberEvent.ValueRemembered { PreviousValue: null } r => $"set to “{Md.Shorten(r.Value, 80)}”",
        RememberEvent.ValueRemembered r => $"changed “{Md.Shorten(r.PreviousValue, 80)}” → “{Md.Shorten(r.Value, 80)}”",
        RememberEvent.ValueForgotten f => $"forgot (was “{Md.Shorten(f.PreviousValue, 80)}”)",
        RememberEvent.ValueRestored s => $"restored from v{s.FromVersion}: “{Md.Shorten(s.PreviousValue ?? "nothing", 80)}” → “{Md.Shorten(s.Value, 80)}”",
        _ => type,
    };
}
