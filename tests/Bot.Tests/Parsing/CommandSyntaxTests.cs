using System.Text.RegularExpressions;
using EventBot.Bot.Parsing;

namespace EventBot.Bot.Tests.Parsing;

/// <summary>
/// Declarations stay within what a Discord application command allows, so a slice can later declare its slash command
/// from the same names: option names lowercase, 1–32 characters; at most 25 options; required before optional.
/// </summary>
public sealed partial class CommandSyntaxTests
{
    private static readonly IReadOnlyList<CommandSyntax> Syntaxes = new CommandParser(".").Syntaxes;

    [Fact]
    public void Verbs_subcommands_and_options_have_names_discord_accepts()
    {
        var names = Syntaxes.Select(s => s.Verb.Word)
            .Concat(Syntaxes.Select(s => s.Subcommand).OfType<string>())
            .Concat(Syntaxes.SelectMany(s => s.Options).Select(o => o.Name));
        Assert.All(names, n => Assert.Matches(Name(), n));
        Assert.All(Syntaxes.SelectMany(s => s.Options), o => Assert.InRange(o.Description.Length, 1, 100));
    }

    [Fact]
    public void Options_are_at_most_25_with_required_ones_first()
    {
        Assert.All(Syntaxes, s =>
        {
            Assert.InRange(s.Options.Count, 0, 25);
            Assert.Equal(s.Options.OrderByDescending(o => o.Required), s.Options);
        });
    }

    [GeneratedRegex(@"^[-_'\p{Ll}\p{Lo}\p{N}]{1,32}$")]
    private static partial Regex Name();
}
