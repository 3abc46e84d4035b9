using System.Collections.Concurrent;
using System.Globalization;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Pipeline;
using EventBot.Discord.Interactions;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;

namespace EventBot.Bot.Interactions;

/// <summary>
/// Suggestions while a user types a slash command option (callback type 8): keys from the server's current-values read
/// model, best fuzzy matches first (<see cref="Search.Rank"/>); a key's versions for <c>/remember restore</c>
/// and <c>/remember redact</c> (<c>v3 · "old value" · 2 days ago</c>, from the key's own stream: no read model keeps past values); game names.
/// Nothing is written. At most 25 choices; names and values 1–100 characters, cut without splitting a character.
/// </summary>
public sealed class Autocomplete(ReadModels readModels, IEventReader store, EventCodec codec, TimeProvider time, PendingWrites pending)
{
    public const int MaxChoices = 25;

    public const int MaxText = 100;

    /// <summary>
    /// How long a server's key list is reused between keystrokes: Discord asks on every key pressed, and reading and
    /// folding 10,000 rows each time would miss the 50 ms target (a refresh reads the rows' bodies only). A key set in the last two seconds may be missing from
    /// the suggestions; typing it in full still works.
    /// </summary>
    public static readonly TimeSpan KeysReused = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<Known> Keys)> _keys = new(StringComparer.Ordinal);

    /// <summary>A key as suggestions need it: as written, folded once, live or forgotten.</summary>
    private sealed record Known(string Key, string Folded, bool Live);

    public async Task<IReadOnlyList<AutocompleteChoice>> SuggestAsync(DiscordInteraction interaction, CancellationToken ct)
    {
        var (syntax, options) = SlashBinding.Route(interaction.Data);
        if (syntax is null || options.FirstOrDefault(o => o.Focused) is not { } focused) return [];
        var typed = SlashBinding.Text(focused).Trim();
        if (focused.Name == "game") return Games(typed);
        if (interaction.GuildId is not { } guild || syntax.Verb != RememberVerb.Slash) return [];
        return focused.Name switch
        {
            "key" => await KeysAsync(guild, typed, liveOnly: syntax.Subcommand is "get" or "forget", ct),
            "version" => await VersionsAsync(GuildId.Parse(guild), options.FirstOrDefault(o => o.Name == "key") is { } key ? SlashBinding.Text(key) : "", typed, ct),
            _ => [],
        };
    }

    private async Task<IReadOnlyList<AutocompleteChoice>> KeysAsync(string guild, string typed, bool liveOnly, CancellationToken ct)
    {
        // Read-your-writes reaches suggestions too: a key set a moment ago is offered once the projector has it (bounded
        // like every read), and the cached key list is not reused across a write of this server.
        var written = pending.Count(guild) > 0;
        if (written) await pending.WaitAsync(guild, ct);
        var now = time.GetUtcNow();
        if (written || !_keys.TryGetValue(guild, out var cached) || now - cached.At > KeysReused || now < cached.At)
        {
            // Only each row's key and whether it is live: no applied versions, no values, no dates parsed.
            var bodies = await readModels.QueryBodiesAsync(RememberedValues.ProjectionName, guild, ct);
            var keys = new List<Known>(bodies.Count);
            foreach (var body in bodies)
                // A key longer than a choice's value could hold cannot be offered: a cut key would name another key.
                if (RememberedValues.ReadKey(body) is { } row && row.Key.Length <= MaxText)
                    keys.Add(new Known(row.Key, TextRules.Fold(row.Key), row.Live));
            cached = (now, keys);
            if (_keys.Count > 10_000) _keys.Clear(); // bounded: one entry per active server
            _keys[guild] = cached;
        }
        return [.. Best(cached.Keys, TextRules.Fold(typed), liveOnly).Select(k => Choice(k.Live ? k.Key : $"{k.Key} (forgotten)", k.Key))];
    }

    /// <summary>
    /// The order of .remember search (<see cref="Search.Rank"/>): every key A–Z, or the best fuzzy matches first, ties
    /// in natural order; only the first <see cref="MaxChoices"/> kept while scoring, instead of sorting every match of
    /// 10,000 keys to show 25.
    /// </summary>
    private static List<Known> Best(IReadOnlyList<Known> keys, string folded, bool liveOnly)
    {
        var pattern = folded.Length == 0 ? null : FuzzyMatch.Prepare(folded);
        var best = new List<(Known Known, int Score)>(MaxChoices + 1);
        foreach (var key in keys)
        {
            if (liveOnly && !key.Live) continue;
            var score = pattern?.Score(key.Folded) ?? 1;
            if (score <= 0 || (best.Count == MaxChoices && !Before(key, score, best[^1]))) continue;
            var at = best.Count;
            while (at > 0 && Before(key, score, best[at - 1])) at--;
            best.Insert(at, (key, score));
            if (best.Count > MaxChoices) best.RemoveAt(MaxChoices);
        }
        return [.. best.Select(b => b.Known)];
    }

    // Strictly before: of two equal places the one met first stays first, as a stable sort would keep it.
    private static bool Before(Known key, int score, (Known Known, int Score) other) =>
        score > other.Score || (score == other.Score && NaturalOrder.Instance.Compare(key.Folded, other.Known.Folded) < 0);

    private async Task<IReadOnlyList<AutocompleteChoice>> VersionsAsync(GuildId guild, string keyText, string typed, CancellationToken ct)
    {
        var key = MemoryKey.Create(keyText);
        if (!key.IsValid) return [];
        var events = await store.ReadStreamAsync(new StreamName(RememberStream.For(guild, key.Value)), 1, ct);
        var digits = typed.TrimStart('v', 'V');
        var now = time.GetUtcNow();
        return [.. events.Reverse()
            .Select(e => (Envelope: e, Value: codec.Decode(e) switch
            {
                RememberEvent.ValueRemembered r => r.Value,
                RememberEvent.ValueRestored r => r.Value,
                _ => null, // a forget: nothing to bring back
            }))
            // A redacted version reads as the marker (its key is gone): restore refuses it and redact has done it.
            .Where(v => v.Value is not null && v.Value != Erased.Value && v.Envelope.Version.ToString(CultureInfo.InvariantCulture).StartsWith(digits, StringComparison.Ordinal))
            .Take(MaxChoices)
            .Select(v => Choice($"v{v.Envelope.Version} · “{Md.Shorten(v.Value!, 60)}” · {Ago(now - v.Envelope.RecordedAt)}",
                v.Envelope.Version.ToString(CultureInfo.InvariantCulture)))];
    }

    private static IReadOnlyList<AutocompleteChoice> Games(string typed) =>
        [.. Enum.GetValues<Game>().Select(GameNames.Of).Where(g => g.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).Select(g => Choice(g, g))];

    /// <summary>A choice within Discord's limits: the name cut (never inside a surrogate pair) to 100 characters.</summary>
    public static AutocompleteChoice Choice(string name, string value) => new(Md.Clip(name.Length == 0 ? value : name, MaxText), value);

    /// <summary>"just now", "5 minutes ago", "3 hours ago", "2 days ago".</summary>
    public static string Ago(TimeSpan age) => age switch
    {
        { TotalMinutes: < 1 } => "just now",
        { TotalHours: < 1 } => Plural((int)age.TotalMinutes, "minute"),
        { TotalDays: < 1 } => Plural((int)age.TotalHours, "hour"),
        _ => Plural((int)age.TotalDays, "day"),
    };

    private static string Plural(int n, string unit) => n == 1 ? $"1 {unit} ago" : $"{n} {unit}s ago";
}
