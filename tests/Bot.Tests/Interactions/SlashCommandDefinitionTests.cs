using System.Text.Json;
using EventBot.Bot.Features;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using Snapshooter.Xunit;
using static EventBot.Discord.Interactions.ApplicationCommandOptionType;

namespace EventBot.Bot.Tests.Interactions;

/// <summary>The registered slash commands: Discord's limits, every prefix command's slash form, and the JSON sent.</summary>
public sealed class SlashCommandDefinitionTests
{
    [Fact]
    public void Every_definition_is_within_Discords_limits()
    {
        Assert.Empty(SlashCommands.Problems(SlashCommands.Definitions));
    }

    [Fact]
    public void Every_prefix_command_has_a_slash_form()
    {
        var commands = SlashCommands.Definitions.ToDictionary(c => c.Name);
        string[] Subcommands(string name) => [.. commands[name].Options.Where(o => o.Type == SubCommand).Select(o => o.Name)];

        Assert.Equal(["remember", "sparkle", "sparkles", "play", "leaderboard", "stats", "privacy", "help"], commands.Keys);
        Assert.Equal(["set", "get", "forget", "search", "history", "as-of", "restore", "redact"], Subcommands("remember"));
        Assert.Equal(["forget-me", "export"], Subcommands("privacy"));
        Assert.Equal(["rps", "coin", "dice", "stats"], Subcommands("play"));
        Assert.Equal(["board", "window", "game"], commands["leaderboard"].Options.Select(o => o.Name));
        // One slash form per prefix syntax, except: `.remember <key>` and `.remember get <key>` are one `/remember get`,
        // the two boards are one `/leaderboard board:`, and `.play <game> …` is three subcommands (rps, coin, dice).
        Assert.Equal(Commands.All.Count - 1 - 1 + 2, Commands.Slash.Count);
    }

    [Fact]
    public void Key_options_autocomplete_and_closed_sets_are_choices()
    {
        var remember = SlashCommands.Definitions.Single(c => c.Name == "remember");
        var set = remember.Options.Single(o => o.Name == "set");
        var restore = remember.Options.Single(o => o.Name == "restore");
        var redact = remember.Options.Single(o => o.Name == "redact");
        var rps = SlashCommands.Definitions.Single(c => c.Name == "play").Options.Single(o => o.Name == "rps");

        Assert.True(set.Options![0].Autocomplete);
        Assert.Equal(["key", "version"], restore.Options!.Where(o => o.Autocomplete).Select(o => o.Name));
        Assert.Equal(["key", "version"], redact.Options!.Where(o => o.Autocomplete).Select(o => o.Name));
        Assert.Equal(Integer, redact.Options![1].Type);
        Assert.Equal(["rock", "paper", "scissors"], rps.Options![0].Choices!.Select(c => c.Value));
        Assert.Equal(Integer, restore.Options![1].Type);
        Assert.Equal(ApplicationCommandOptionType.User, SlashCommands.Definitions.Single(c => c.Name == "sparkle").Options[0].Type);
    }

    [Theory]
    [InlineData("remember", true)]
    [InlineData("as-of", true)]
    [InlineData("don't", true)]
    [InlineData("मदद", true)] // Devanagari, marks included (U+0926 U+0926)
    [InlineData("हिन्दी", true)] // a virama (U+094D) is a mark, allowed by \p{sc=Deva}
    [InlineData("ช่วย", true)] // Thai with a tone mark (U+0E48)
    [InlineData("as of", false)]
    [InlineData("Remember", false)]
    [InlineData("", false)]
    [InlineData("a-name-that-is-far-too-long-for-discord", false)]
    [InlineData("emoji✨", false)]
    public void Names_follow_Discords_rule(string name, bool valid)
    {
        var problems = SlashCommands.Problems([new ApplicationCommand(name, "a description", [])]);

        Assert.Equal(valid, problems.Count == 0);
    }

    [Fact]
    public void Every_limit_is_checked()
    {
        ApplicationCommandOption Text(string name, bool required = false) => new(ApplicationCommandOptionType.String, name, "d", required);
        var broken = new ApplicationCommand("ok", new string('d', 101),
        [
            Text("optional"),
            Text("required", required: true),
            new(ApplicationCommandOptionType.String, "both", "d", Choices: [new("a", "a")], Autocomplete: true),
            new(ApplicationCommandOptionType.String, "many", "d", Choices: [.. Enumerable.Range(0, 26).Select(i => new ApplicationCommandChoice($"c{i}", $"c{i}"))]),
            new(SubCommand, "sub", "", Options: [.. Enumerable.Range(0, 26).Select(i => Text($"o{i}"))]),
        ]);

        var problems = SlashCommands.Problems([broken]);

        Assert.Contains(problems, p => p.Contains("the description is 101 characters", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("/ok required is required but comes after an optional option", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("/ok both has both autocomplete and choices", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("/ok many has 26 choices", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("/ok sub has 26 options", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("/ok sub: the description is 0 characters", StringComparison.Ordinal));
    }

    [Fact]
    public void The_registered_json_is_snake_case_without_nulls()
    {
        var json = SlashCommands.ToJson().ToJsonString();

        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.Contains("\"min_value\":1", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"required\":false", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_registered_json_matches_the_snapshot()
    {
        Snapshot.Match(SlashCommands.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
