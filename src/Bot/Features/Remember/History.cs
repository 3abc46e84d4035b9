using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// <c>.remember history [key] [page N]</c>: the audit trail, newest first. A key's history reads its own stream
/// (strongly consistent); a server's reads the guild index of the store (may lag a moment on DynamoDB), and counts its
/// pages from the guild's partition of the current-values read model: each key's row holds its stream's version, so the
/// versions add up to the server's number of changes (a Query on one partition, never a scan).
/// </summary>
public static class History
{
    public const int PageSize = 10;

    public const int MaxPage = 1000;

    public static readonly CommandSyntax Syntax = new(RememberVerb.Verb, "history",
        [new("remember history [key] [page N]", "who changed what and when, newest first")], Parse)
    {
        Options = [new("key", OptionKind.Text, "one key's history", Required: false), new("page", OptionKind.WholeNumber, "the page, from 1", Required: false)],
    };

    public sealed record Query(ChatMessage Chat, MemoryKey? Key, int Page) : IQuery<Reply>, IGuildScoped;

    /// <summary>One page of events, newest first; <see cref="Total"/> counts the changes known to exist.</summary>
    public sealed record Page(IReadOnlyList<EventEnvelope> Events, int Total);

    public sealed class Handler(IEventReader store, EventCodec codec, ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var guild = query.Chat.Guild!.Value;
            var skip = (query.Page - 1) * PageSize;
            if (query.Key is { } key)
            {
                var all = await store.ReadStreamAsync(new StreamName(RememberStream.For(guild, key)), 1, cancellationToken);
                var redactions = all.Where(e => e.Type == "ValueRedacted")
                    .Select(e => (Envelope: e, Event: (RememberEvent.ValueRedacted)codec.Decode(e)))
                    .GroupBy(r => r.Event.Version).ToDictionary(g => g.Key, g => g.First().Envelope);
                return HistoryReplies.OfKey(query, key, new Page([.. all.Reverse().Skip(skip).Take(PageSize)], all.Count), e => codec.Decode(e) as RememberEvent, redactions);
            }
            // One extra row tells whether another page exists even when the read model lags the guild index.
            var events = await store.ReadGuildHistoryAsync(guild.ToString(), RememberStream.Category, skip, PageSize + 1, cancellationToken);
            var rows = await readModels.QueryAsync(RememberedValues.ProjectionName, guild.ToString(), cancellationToken);
            var counted = rows.Select(RememberedValues.Read).Sum(v => v?.Version ?? 0);
            var total = (int)Math.Min(int.MaxValue, Math.Max(counted, skip + events.Count));
            return HistoryReplies.OfServer(query, new Page([.. events.Take(PageSize)], total), e => codec.Decode(e) as RememberEvent);
        }
    }

    /// <summary>What one event did, in words (the <c>history</c> CLI verb uses it too).</summary>
    public static string Change(RememberEvent? @event, string type) => HistoryReplies.Change(@event, type);

    private static ParseResult Parse(CommandInput input)
    {
        var (text, page) = SplitPage(input.Args);
        if (page is null) return CommandInput.Invalid($"Usage: `{input.Prefix}remember history [key] [page N]` with N a whole number from 1.");
        if (page > MaxPage) return input.ValueError("that page is too far back (at most page 1,000)");
        if (text.Length == 0) return CommandInput.Request(new Query(input.Chat, null, page.Value));
        return input.Validated(MemoryKey.Create(text), key => new Query(input.Chat, key, page.Value));
    }

    /// <summary>Splits a trailing "page N"; page is null when "page" is followed by something that is not a number.</summary>
    private static (string Remainder, int? Page) SplitPage(string text)
    {
        var words = Words.All(text);
        if (words.Length >= 1 && words[^1].Equals("page", StringComparison.OrdinalIgnoreCase)) return (text, null);
        if (words.Length >= 2 && words[^2].Equals("page", StringComparison.OrdinalIgnoreCase))
        {
            if (!int.TryParse(words[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return (text, null);
            var cut = text.LastIndexOf(words[^2], StringComparison.OrdinalIgnoreCase);
            return (text[..cut].Trim(), n);
        }
        return (text, 1);
    }
}
