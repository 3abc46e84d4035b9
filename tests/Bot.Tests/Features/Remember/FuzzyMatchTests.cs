using CsCheck;
using EventBot.Bot.Features.Remember;

namespace EventBot.Bot.Tests.Features.Remember;

/// <summary>
/// The search ranking is scored on every key of a server at each autocomplete keystroke, so it was made cheaper (no
/// strings split per key, one bit-parallel pass per word start instead of a table per candidate length). These hold it
/// to the rule as first written: the same score for any query and key.
/// </summary>
public sealed class FuzzyMatchTests
{
    /// <summary>The ranking as first written (split strings, one full table per candidate length): the rule itself.</summary>
    private static int ScoreByRule(string query, string key)
    {
        if (key == query) return 1000;
        if (key.StartsWith(query, StringComparison.Ordinal)) return 900 - Math.Min(100, key.Length - query.Length);
        var at = key.IndexOf(query, StringComparison.Ordinal);
        if (at >= 0) return 800 - Math.Min(100, at);
        var words = key.Split(' ');
        if (query.Split(' ').All(q => words.Any(w => w.StartsWith(q, StringComparison.Ordinal)))) return 700;
        var i = 0;
        foreach (var c in key)
            if (i < query.Length && query[i] == c) i++;
        if (i == query.Length) return 500 - Math.Min(100, key.Length - query.Length);
        var candidates = new List<string> { key[..Math.Min(key.Length, query.Length + 2)] };
        if (query.Length >= 3)
            foreach (var start in words.Prepend(key))
                for (var length = query.Length - 1; length <= Math.Min(start.Length, query.Length + 2); length++)
                    candidates.Add(start[..length]);
        var distance = candidates.Min(c => FuzzyMatch.Distance(query, c));
        var allowed = Math.Max(1, query.Length / 3);
        return distance <= allowed ? 300 - (distance * 10) : 0;
    }

    // Few letters and many spaces, so that prefixes, words, subsequences and near misses all come up often.
    private static readonly Gen<string> Keys = Gen.String[Gen.OneOfConst('a', 'b', 'c', 'k', 'e', 'y', '1', ' '), 0, 24];

    private static readonly Gen<string> Queries = Gen.String[Gen.OneOfConst('a', 'b', 'k', 'e', 'y', '1', ' '), 1, 14];

    [Fact]
    public void Scores_any_query_against_any_key_as_the_rule_does() =>
        Gen.Select(Queries, Keys).Sample((query, key) => Assert.Equal(ScoreByRule(query, key), FuzzyMatch.Score(query, key)), iter: 20_000);

    // Longer than the 64 bits the masks hold: the table instead.
    [Fact]
    public void Scores_search_text_of_more_than_64_characters_as_the_rule_does() =>
        Gen.Select(Gen.String[Gen.OneOfConst('a', 'b', 'k', ' '), 63, 70], Gen.String[Gen.OneOfConst('a', 'b', 'k', ' '), 50, 90])
            .Sample((query, key) => Assert.Equal(ScoreByRule(query, key), FuzzyMatch.Score(query, key)), iter: 2_000);

    [Fact]
    public void Scores_keys_with_characters_beyond_ascii_as_the_rule_does() =>
        Gen.Select(Gen.String[Gen.OneOfConst('é', 'ß', '\uD83C', '\uDF89', 'a', ' '), 1, 10], Gen.String[Gen.OneOfConst('é', 'ß', '\uD83C', '\uDF89', 'a', 'b', ' '), 0, 16])
            .Sample((query, key) => Assert.Equal(ScoreByRule(query, key), FuzzyMatch.Score(query, key)), iter: 5_000);

    [Theory]
    [InlineData("topic 5000 notes", "topic 123 notes")]
    [InlineData("tpoic 4", "topic 4 notes")]
    [InlineData("tpoic 4", "topic 4000 notes")]
    [InlineData("zzz", "topic 12 notes")]
    [InlineData("meetng", "standup meeting")]
    [InlineData("kye", "my key")]
    [InlineData("abcdefghij", "xbcdefghijklm ab abcdefgxij")]
    public void Scores_the_benchs_and_searchs_examples_as_the_rule_does(string query, string key) =>
        Assert.Equal(ScoreByRule(query, key), FuzzyMatch.Score(query, key));
}
