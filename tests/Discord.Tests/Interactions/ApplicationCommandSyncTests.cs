using System.Text.Json.Nodes;
using EventBot.Discord.Interactions;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests.Interactions;

/// <summary>Registration that reads first and overwrites only on a real difference, so restarts spend no creates.</summary>
public sealed class ApplicationCommandSyncTests
{
    private const string App = Fake.FakeDiscordServer.DefaultApplicationId;
    private const string Guild = "400000000000000004";

    private static readonly ApplicationCommand Remember = new("remember", "Remember, recall and forget values", [
        new(ApplicationCommandOptionType.SubCommand, "set", "Remember a value", Options: [
            new(ApplicationCommandOptionType.String, "key", "The key", Required: true, MaxLength: 100),
            new(ApplicationCommandOptionType.String, "value", "The value", Required: true),
        ]),
        new(ApplicationCommandOptionType.SubCommand, "get", "Recall a value", Options: [
            new(ApplicationCommandOptionType.String, "key", "The key", Required: true, Autocomplete: true),
        ]),
    ]);

    private static readonly ApplicationCommand Play = new("play", "Play a game", [
        new(ApplicationCommandOptionType.Integer, "sides", "Sides of the die", Choices: [new("six", "6"), new("twenty", "20")], MinValue: 2, MaxValue: 100),
    ]);

    private static readonly ApplicationCommand Stats = new("stats", "Bot statistics", []);

    [Fact]
    public void ToJson_IsTheDocsShape_WithDefaultsLeftOut_AndIntegerChoicesAsNumbers()
    {
        var expected = JsonNode.Parse("""
            [{"type":1,"name":"play","description":"Play a game","options":[{"type":4,"name":"sides","description":"Sides of the die",
              "choices":[{"name":"six","value":6},{"name":"twenty","value":20}],"min_value":2,"max_value":100}]},
             {"type":1,"name":"stats","description":"Bot statistics"}]
            """)!;
        Assert.Equal(expected.ToJsonString(), ApplicationCommandJson.ToJson([Play, Stats]).ToJsonString());
    }

    [Fact]
    public void Compare_SeesPastWhatDiscordAdds()
    {
        // A GET answer as Discord writes it: ids, version, nulls and spelled-out defaults around the same meaning.
        var registered = JsonNode.Parse("""
            [{"id":"1","application_id":"110000000000000011","version":"9","default_member_permissions":null,"type":1,"name":"play",
              "description":"Play a game","dm_permission":true,"contexts":null,"integration_types":[0],"nsfw":false,
              "name_localizations":null,"description_localizations":null,
              "options":[{"type":4,"name":"sides","description":"Sides of the die","required":false,"autocomplete":false,
                          "name_localizations":null,"choices":[{"name":"six","value":6.0,"name_localizations":null},{"name":"twenty","value":20}],
                          "min_value":2,"max_value":100.0}]},
             {"id":"2","application_id":"110000000000000011","version":"9","type":1,"name":"stats","description":"Bot statistics","options":[]}]
            """)!.AsArray();

        var (created, changed, deleted, unchanged) = ApplicationCommandSync.Compare(ApplicationCommandJson.ToJson([Stats, Play]), registered);

        Assert.Empty(created);
        Assert.Empty(changed);
        Assert.Empty(deleted);
        Assert.Equal(["play", "stats"], unchanged);
    }

    [Fact]
    public void Compare_OptionOrderMatters_AndRealDifferencesShow()
    {
        var swapped = Remember with { Options = [Remember.Options[1], Remember.Options[0]] };
        var permissions = ApplicationCommandJson.ToJson([Stats]);
        permissions[0]!["default_member_permissions"] = "8";

        Assert.Equal(["remember"], ApplicationCommandSync.Compare(ApplicationCommandJson.ToJson([swapped]), ApplicationCommandJson.ToJson([Remember])).Changed);
        Assert.Equal(["stats"], ApplicationCommandSync.Compare(ApplicationCommandJson.ToJson([Stats]), permissions).Changed);
        var (created, _, deleted, _) = ApplicationCommandSync.Compare(ApplicationCommandJson.ToJson([Stats]), ApplicationCommandJson.ToJson([Play]));
        Assert.Equal(["stats"], created);
        Assert.Equal(["play"], deleted);
    }

    [Fact]
    public async Task FirstSyncOverwrites_SecondSendsNoPut_AChangeSendsOne()
    {
        await using var discord = await TestDiscord.StartAsync();
        var sync = new ApplicationCommandSync(discord.Rest);

        var first = await sync.SyncAsync(App, null, [Remember, Play, Stats], dryRun: false, CancellationToken.None);
        // Same definitions, another order: Discord's answer (with its added fields) means the same.
        var second = await sync.SyncAsync(App, null, [Stats, Play, Remember], dryRun: false, CancellationToken.None);
        var changedRemember = Remember with { Description = "Remember values" };
        var third = await sync.SyncAsync(App, null, [changedRemember, Play], dryRun: false, CancellationToken.None);

        Assert.Equal(["play", "remember", "stats"], first.Created);
        Assert.True(first.Overwritten);
        Assert.True(second.InSync);
        Assert.False(second.Overwritten);
        Assert.Equal(["play", "remember", "stats"], second.Unchanged);
        Assert.Equal(["remember"], third.Changed);
        Assert.Equal(["stats"], third.Deleted);
        Assert.Equal(["play"], third.Unchanged);
        Assert.True(third.Overwritten);
        Assert.Equal(2, discord.Server.CommandPuts.Count);
        Assert.Equal(3, discord.Server.CommandGets);
        Assert.Equal(ApplicationCommandJson.ToJson([changedRemember, Play]).ToJsonString(), discord.Server.CommandPuts[1].Body.ToJsonString());
        Assert.All(discord.Server.Requests, r => Assert.Equal($"Bot {Fake.FakeDiscordServer.DefaultToken}", r.Authorization));
    }

    [Fact]
    public async Task DryRun_ReportsTheDifference_AndSendsNothing()
    {
        await using var discord = await TestDiscord.StartAsync();
        var sync = new ApplicationCommandSync(discord.Rest);

        var result = await sync.SyncAsync(App, Guild, [Stats], dryRun: true, CancellationToken.None);

        Assert.Equal(["stats"], result.Created);
        Assert.True(result.DryRun);
        Assert.False(result.Overwritten);
        Assert.Empty(discord.Server.CommandPuts);
        Assert.Equal(1, discord.Server.CommandGets);
    }

    [Fact]
    public async Task GuildSync_UsesTheGuildRoute_AndLeavesGlobalCommandsAlone()
    {
        await using var discord = await TestDiscord.StartAsync();
        var sync = new ApplicationCommandSync(discord.Rest);

        await sync.SyncAsync(App, Guild, [Stats], dryRun: false, CancellationToken.None);

        var put = Assert.Single(discord.Server.CommandPuts);
        Assert.Equal(Guild, put.GuildId);
        Assert.Contains(discord.Server.Requests, r => r.Method == "PUT" && r.Path == $"/api/v10/applications/{App}/guilds/{Guild}/commands");
        Assert.Empty(discord.Server.RegisteredCommands());
        Assert.Equal(Guild, discord.Server.RegisteredCommands(Guild)[0]!["guild_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheApplicationId_ComesFromApplicationsMe()
    {
        await using var discord = await TestDiscord.StartAsync();

        Assert.Equal(App, await discord.Rest.GetApplicationIdAsync(CancellationToken.None));
        Assert.Equal("/api/v10/applications/@me", Assert.Single(discord.Server.Requests).Path);
    }
}
