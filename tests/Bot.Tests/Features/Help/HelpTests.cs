using System.Text.RegularExpressions;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Help;
using EventBot.Bot.Parsing;
using EventBot.Domain.Common;
using Mediator;

namespace EventBot.Bot.Tests.Features.Help;

/// <summary><c>.help</c> is generated from the declarations the parser routes to, so the two cannot drift apart.</summary>
public sealed partial class HelpTests
{
    private static readonly CommandParser Parser = new(".");
    private static readonly ChatUser Alice = new(UserId.FromName("alice"), "alice");
    private static readonly ChatUser Bob = new(UserId.FromName("bob"), "bob");

    private static readonly Dictionary<string, string> Samples = new(StringComparer.Ordinal)
    {
        ["<key>"] = "meeting",
        ["<value>"] = "tomorrow",
        ["<time>"] = "3d ago",
        ["<version>"] = "1",
        ["@user"] = "@bob",
    };

    private static Reply HelpReply() => HelpReplies.Render(Parser.Prefix, Parser.Syntaxes);

    /// <summary>A help line with its optional parts left out, the first of each choice, and sample values.</summary>
    private static string Example(string usage)
    {
        var text = Optional().Replace(usage, "");
        text = Choice().Replace(text, m => m.Groups[1].Value);
        foreach (var (placeholder, sample) in Samples) text = text.Replace(placeholder, sample, StringComparison.Ordinal);
        return "." + string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Every_line_of_help_is_a_command_the_parser_accepts_and_every_request_is_in_help()
    {
        var produced = new HashSet<Type>();
        foreach (var field in HelpReply().Embed!.Fields)
        {
            var example = Example(field.Name[1..]);
            var result = Parser.Parse(new ChatMessage("m", GuildId.FromName("g"), Alice, example, [Bob]));
            var request = Assert.IsType<ParseResult.Request>(result, exactMatch: true);
            produced.Add(request.Message.GetType());
        }

        var requests = typeof(CommandParser).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("EventBot.Bot.Features", StringComparison.Ordinal) == true && typeof(IMessage).IsAssignableFrom(t) && !t.IsAbstract)
            .ToHashSet();
        Assert.Equal(requests.Select(t => t.FullName).Order(), produced.Select(t => t.FullName).Order());
    }

    [Fact]
    public void Help_shows_exactly_the_declared_lines_in_catalog_order()
    {
        var declared = Parser.Syntaxes.SelectMany(s => s.Help).Select(h => $".{h.Usage} — {h.Description}");
        var shown = HelpReply().Text.Split('\n').Skip(1).Where(l => l.StartsWith('.'));
        Assert.Equal(declared, shown);
        Assert.All(Parser.Syntaxes, s => Assert.NotEmpty(s.Help));
    }

    [Fact]
    public void Every_verb_and_alias_the_parser_accepts_is_routed_and_other_words_are_unknown()
    {
        foreach (var word in Parser.Syntaxes.Select(s => s.Verb).Distinct().SelectMany(v => v.Aliases.Prepend(v.Word)))
        {
            var result = Parser.Parse(new ChatMessage("m", GuildId.FromName("g"), Alice, "." + word, []));
            Assert.False(result is ParseResult.Invalid { Reply: var r } && r.StartsWith("⚠️ Unknown command", StringComparison.Ordinal), word);
        }
        Assert.Equal("⚠️ Unknown command `.dance`. Try `.help`.", Assert.IsType<ParseResult.Invalid>(Parser.Parse(new ChatMessage("m", null, Alice, ".dance", []))).Reply);
    }

    [GeneratedRegex(@"\s*\[[^\]]*\]")]
    private static partial Regex Optional();

    [GeneratedRegex(@"<([^>|]+)\|[^>]*>")]
    private static partial Regex Choice();
}
