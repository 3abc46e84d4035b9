using System.CommandLine;
using System.Text.Json;
using EventBot.Bot.Cli;
using EventBot.Bot.Hosting;
using EventBot.Discord.Interactions;
using EventBot.Discord.Tests.Fake;
using EventBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Cli;

/// <summary><c>commands sync</c> against the fake Discord: read first, overwrite only on a difference.</summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class CommandsVerbTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private FakeDiscordServer _discord = null!;

    private static readonly ApplicationCommand[] Defined =
    [
        new("stats", "Bot statistics", []),
        new("help", "What EventBot can do", [new(ApplicationCommandOptionType.String, "command", "One command's help")]),
    ];

    public async Task InitializeAsync() => _discord = await FakeDiscordServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _discord.DisposeAsync();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, string?> Environment(string? token = null) => new()
    {
        ["EVENTBOT_DATA_DIR"] = _dir,
        ["DISCORD_TOKEN"] = token ?? _discord.Token,
        ["DISCORD_API_BASE_URL"] = _discord.ApiBaseUrl,
    };

    private static RootCommand Root(IReadOnlyList<ApplicationCommand> definitions) =>
        new() { CommandsVerb.Create(services => services.AddSingleton<IApplicationCommandSource>(new FixedDefinitions(definitions))) };

    [Fact]
    public async Task Sync_then_sync_again_sends_one_put_and_says_so()
    {
        var (exit, output, error) = await CliRunner.RunAsync(Root(Defined), Environment(), "commands", "sync");
        var (againExit, again, _) = await CliRunner.RunAsync(Root([.. Defined.Reverse()]), Environment(), "commands", "sync");

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal("Global commands: created: help, stats. Sent one bulk overwrite of 2 command(s).\n", output);
        Assert.Equal(0, againExit);
        Assert.Equal("Global commands: already registered as defined (2); nothing sent.\n", again);
        Assert.Single(_discord.CommandPuts);
        Assert.Equal(2, _discord.CommandGets);
        Assert.Contains(_discord.Requests, r => r.Path == "/api/v10/applications/@me");
    }

    [Fact]
    public async Task Dry_run_sends_nothing_and_json_has_the_documented_shape()
    {
        _discord.SetRegisteredCommands("400000000000000004", JsonSerializer.SerializeToNode(new[] { new { type = 1, name = "old", description = "Gone soon" } })!.AsArray());

        var (exit, output, _) = await CliRunner.RunAsync(Root(Defined), Environment(), "commands", "sync", "--guild", "400000000000000004", "--dry-run", "--json");

        Assert.Equal(0, exit);
        Assert.Empty(_discord.CommandPuts);
        var expected = System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"application_id":"{{FakeDiscordServer.DefaultApplicationId}}","scope":"guild","guild_id":"400000000000000004",
             "dry_run":true,"in_sync":false,"overwritten":false,
             "created":["help","stats"],"changed":[],"deleted":["old"],"unchanged":[]}
            """)!;
        Assert.Equal(expected.ToJsonString() + "\n", output);
    }

    [Fact]
    public async Task Dry_run_in_words_says_what_would_happen()
    {
        var (_, output, _) = await CliRunner.RunAsync(Root(Defined), Environment(), "commands", "sync", "--dry-run");

        Assert.Equal("Global commands: would be created: help, stats. Nothing sent (--dry-run).\n", output);
        Assert.Empty(_discord.CommandPuts);
    }

    [Theory]
    [InlineData("", "DISCORD_TOKEN is not set")]
    [InlineData("Bot abc", "Discord:Token must be the bare token")]
    public async Task A_missing_or_bad_token_is_a_setting_error(string token, string reason)
    {
        var environment = Environment(token);
        if (token.Length == 0) environment["DISCORD_TOKEN"] = null;

        var (exit, output, error) = await CliRunner.RunAsync(Root(Defined), environment, "commands", "sync");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"eventbot: {reason}", error, StringComparison.Ordinal);
        Assert.Empty(_discord.Requests);
    }

    [Fact]
    public async Task A_guild_that_is_not_an_id_is_a_setting_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync(Root(Defined), Environment(), "commands", "sync", "--guild", "my-server");

        Assert.Equal(2, exit);
        Assert.StartsWith("eventbot: --guild \"my-server\" is not a server id", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_placeholder_source_has_no_definitions_and_nothing_is_overwritten()
    {
        _discord.SetRegisteredCommands(null, JsonSerializer.SerializeToNode(new[] { new { type = 1, name = "keep", description = "Registered by hand" } })!.AsArray());

        var (exit, _, error) = await CliRunner.RunAsync(new RootCommand { CommandsVerb.Create() }, Environment(), "commands", "sync");

        Assert.Equal(1, exit);
        Assert.Equal($"eventbot: {ApplicationCommandSourceRegistration.NoDefinitions}\n", error);
        Assert.Empty(_discord.CommandPuts);
        Assert.Equal("keep", Assert.Single(_discord.RegisteredCommands())!["name"]!.GetValue<string>());
    }

    private sealed class FixedDefinitions(IReadOnlyList<ApplicationCommand> definitions) : IApplicationCommandSource
    {
        public IReadOnlyList<ApplicationCommand> Definitions() => definitions;
    }
}
