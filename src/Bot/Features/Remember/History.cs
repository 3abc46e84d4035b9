using EventBot.Domain.Common;
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
/// (strongly consistent), only the page shown, whatever the key's length; a server's reads the guild index of the store (may lag a moment on DynamoDB), and counts its
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

    public static readonly SlashSyntax Slash = new(RememberVerb.Slash, "history", "Who changed what and when, newest first",
        [RememberVerb.KeyOption("one key's history (the whole server when left out)", required: false),
         new("page", OptionKind.WholeNumber, "the page, from 1", Required: false) { MinValue = 1, MaxValue = MaxPage }], Bind);

    /// <param name="AsOf">
    /// Show the history as it was at a page's first render (a page button's <see cref="PageCursor.Mark"/>): for a key,
    /// its versions up to this one; for the server, the events recorded up to this time (Unix milliseconds). Null: now.
    /// </param>
    public sealed record Query(ChatMessage Chat, MemoryKey? Key, int Page, long? AsOf = null) : IQuery<Reply>, IGuildScoped;

    /// <summary>
    /// One page of events, newest first; <see cref="Total"/> counts the changes known to exist; <see cref="Mark"/> is
    /// the position the page was read as of (see <see cref="Query.AsOf"/>), carried by its buttons.
    /// </summary>
    public sealed record Page(IReadOnlyList<EventEnvelope> Events, int Total, long Mark = 0);

    /// <summary>How far the server history looks for events newer than a page's mark before giving up on exactness.</summary>
    public const int MaxNewerScanned = 1_000;

    public sealed class Handler(IEventReader store, EventCodec codec, ReadModels readModels, TimeProvider time) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var guild = query.Chat.Guild!.Value;
            var skip = (query.Page - 1) * PageSize;
            if (query.Key is { } key)
            {
                // Versions run 1..n without gaps: the newest version is the count (capped at a page's first render, the one
                // place history reads "as of"), and page p is the versions just below count - (p - 1) × 10. Page 1 now is one
                // read of 10 events; any other page, one read of 1 and one of 10.
                var stream = new StreamName(RememberStream.For(guild, key));
                var firstNow = skip == 0 && query.AsOf is null;
                var newest = await store.ReadStreamBackwardAsync(stream, StreamRead.FromEnd, firstNow ? PageSize : 1, cancellationToken);
                var count = newest.Count == 0 ? 0 : newest[0].Version;
                if (query.AsOf is { } asOf) count = Math.Min(count, asOf);
                IReadOnlyList<EventEnvelope> shown = firstNow ? newest
                    : count <= skip ? []
                    : await store.ReadStreamBackwardAsync(stream, count - skip + 1, PageSize, cancellationToken);
                return HistoryReplies.OfKey(query, key, new Page(shown, (int)Math.Min(int.MaxValue, count), count), e => codec.Decode(e) as RememberEvent,
                    await RedactionsAsync(stream, shown, cancellationToken));
            }
            var mark = query.AsOf ?? time.GetUtcNow().ToUnixTimeMilliseconds();
            var newer = query.AsOf is null ? 0 : await CountNewerAsync(guild.ToString(), mark, cancellationToken);
            // One extra row tells whether another page exists even when the read model lags the guild index.
            var events = await store.ReadGuildHistoryAsync(guild.ToString(), RememberStream.Category, skip + newer, PageSize + 1, cancellationToken);
            var rows = await readModels.QueryAsync(RememberedValues.ProjectionName, guild.ToString(), cancellationToken);
            var counted = rows.Select(RememberedValues.Read).Sum(v => v?.Version ?? 0) - newer;
            var total = (int)Math.Min(int.MaxValue, Math.Max(counted, skip + events.Count));
            return HistoryReplies.OfServer(query, new Page([.. events.Take(PageSize)], total, mark), e => codec.Decode(e) as RememberEvent);
        }

        /// <summary>
        /// Who redacted the page's redacted versions, and when. A redacted version reads as the marker (its key is gone);
        /// only then is the key's stream read whole to find its <see cref="RememberEvent.ValueRedacted"/> (rare, so pages
        /// stay flat in the history's length).
        /// </summary>
        private async Task<Dictionary<long, EventEnvelope>> RedactionsAsync(StreamName stream, IReadOnlyList<EventEnvelope> shown, CancellationToken ct)
        {
            var redacted = shown.Any(e => codec.Decode(e) is RememberEvent.ValueRemembered { Value: Erased.Value } or RememberEvent.ValueRestored { Value: Erased.Value });
            if (!redacted) return [];
            var all = await store.ReadStreamAsync(stream, 1, ct);
            return all.Where(e => e.Type == "ValueRedacted")
                .Select(e => (Envelope: e, Event: (RememberEvent.ValueRedacted)codec.Decode(e)))
                .GroupBy(r => r.Event.Version).ToDictionary(g => g.Key, g => g.First().Envelope);
        }

        /// <summary>Events recorded after <paramref name="mark"/> (newest first, so they lead the index), up to <see cref="MaxNewerScanned"/>.</summary>
        private async Task<int> CountNewerAsync(string guild, long mark, CancellationToken ct)
        {
            const int chunk = 100;
            var newer = 0;
            while (newer < MaxNewerScanned)
            {
                var events = await store.ReadGuildHistoryAsync(guild, RememberStream.Category, newer, chunk, ct);
                var count = events.TakeWhile(e => e.RecordedAt.ToUnixTimeMilliseconds() > mark).Count();
                newer += count;
                if (count < events.Count || events.Count < chunk) break;
            }
            return newer;
        }
    }

    /// <summary>What one event did, in words (the <c>history</c> CLI verb uses it too).</summary>
    public static string Change(RememberEvent? @event, string type) => HistoryReplies.Change(@event, type);

    private static ParseResult Bind(SlashInput input)
    {
        var page = input.Number("page") ?? 1;
        if (page < 1) return CommandInput.Invalid("The page is a whole number from 1.");
        if (page > MaxPage) return input.ValueError("that page is too far back (at most page 1,000)");
        return input.Text("key") is { } text
            ? input.Validated(MemoryKey.Create(text), key => new Query(input.Chat, key, (int)page))
            : CommandInput.Request(new Query(input.Chat, null, (int)page));
    }

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
