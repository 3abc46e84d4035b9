using System.Text.Json;
using System.Text.Json.Nodes;
using EventBot.Discord.Interactions;
using EventBot.Discord.Tests.Fake;
using static EventBot.Discord.Tests.Fake.FakeInteractions;

namespace EventBot.Discord.Tests.Interactions;

/// <summary>Reading the Interaction object as the docs define it: one parser for the gateway and the HTTP endpoint.</summary>
public sealed class InteractionJsonTests
{
    private static DiscordInteraction Parse(JsonNode json)
    {
        using var doc = JsonDocument.Parse(json.ToJsonString());
        return DiscordInteractionJson.Parse(doc.RootElement); // the document is disposed after: values must be cloned
    }

    [Fact]
    public void GuildCommand_ReadsMemberUserPermissionsNestedOptionsAndResolvedUsers()
    {
        var json = Command("700000000000000070", "sparkle",
            Options(SubCommand("give", Option("user", 6, "200000000000000022"), Text("reason", "the review"), Option("count", 4, 3))),
            resolvedUsers: new JsonObject { ["200000000000000022"] = User("200000000000000022", "bob", "Bob") });

        var interaction = Parse(json);

        Assert.Equal("700000000000000070", interaction.Id);
        Assert.Equal(FakeDiscordServer.DefaultApplicationId, interaction.ApplicationId);
        Assert.Equal(InteractionType.ApplicationCommand, interaction.Type);
        Assert.Equal(json["token"]!.GetValue<string>(), interaction.Token);
        Assert.Equal(GuildId, interaction.GuildId);
        Assert.Equal(ChannelId, interaction.ChannelId);
        Assert.Equal(new DiscordUser(UserId, "someone", "Some One", false), interaction.User);
        Assert.Equal("2248473465835073", interaction.MemberPermissions);
        Assert.Null(interaction.MessageId);
        var data = interaction.Data!;
        Assert.Equal("sparkle", data.Name);
        var give = Assert.Single(data.Options);
        Assert.Equal(("give", ApplicationCommandOptionType.SubCommand), (give.Name, give.Type));
        Assert.Null(give.Value);
        Assert.Equal(["user", "reason", "count"], give.Options.Select(o => o.Name));
        Assert.Equal("200000000000000022", give.Options[0].Value!.Value.GetString());
        Assert.Equal("the review", give.Options[1].Value!.Value.GetString());
        Assert.Equal(3, give.Options[2].Value!.Value.GetInt32());
        Assert.All(give.Options, o => Assert.False(o.Focused));
        Assert.Equal(new DiscordUser("200000000000000022", "bob", "Bob", false), data.ResolvedUsers!["200000000000000022"]);
    }

    [Fact]
    public void DmCommand_ReadsTheTopLevelUser_AndHasNoGuildOrPermissions()
    {
        var interaction = Parse(Command("700000000000000071", "help", guildId: null, userId: "200000000000000033"));

        Assert.Null(interaction.GuildId);
        Assert.Null(interaction.MemberPermissions);
        Assert.Equal("200000000000000033", interaction.User.Id);
        Assert.Empty(interaction.Data!.Options);
        Assert.Null(interaction.Data.ResolvedUsers);
    }

    [Fact]
    public void Button_ReadsCustomIdComponentTypeAndMessageId()
    {
        var interaction = Parse(Button("700000000000000072", "h|meeting|2|1234", messageId: "900000000000000099"));

        Assert.Equal(InteractionType.MessageComponent, interaction.Type);
        Assert.Equal("h|meeting|2|1234", interaction.Data!.CustomId);
        Assert.Equal(2, interaction.Data.ComponentType);
        Assert.Null(interaction.Data.Name);
        Assert.Equal("900000000000000099", interaction.MessageId);
    }

    [Fact]
    public void Autocomplete_MarksTheFocusedOption_FoundThroughSubcommands()
    {
        var interaction = Parse(Autocomplete("700000000000000073", "remember",
            Options(SubCommand("get", Text("key", "mee", focused: true)))));

        Assert.Equal(InteractionType.ApplicationCommandAutocomplete, interaction.Type);
        var focused = DiscordInteractionJson.Focused(interaction.Data!.Options);
        Assert.NotNull(focused);
        Assert.Equal("key", focused.Name);
        Assert.Equal("mee", focused.Value!.Value.GetString());
    }

    [Fact]
    public void Ping_HasNoUser_AndStillParses()
    {
        var interaction = Parse(Ping("700000000000000074"));

        Assert.Equal(InteractionType.Ping, interaction.Type);
        Assert.Null(interaction.Data);
        Assert.Equal("", interaction.User.Id);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("id")]
    [InlineData("application_id")]
    [InlineData("type")]
    [InlineData("member")]
    public void MissingRequiredFields_AreFormatErrors_ThatNeverQuoteTheToken(string field)
    {
        var json = Command("700000000000000075", "stats");
        var token = json["token"]!.GetValue<string>();
        json.Remove(field);

        var error = Assert.Throws<FormatException>(() => Parse(json));

        Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_NeverShowsTheToken()
    {
        var json = Command("700000000000000076", "stats");
        var interaction = Parse(json);

        Assert.DoesNotContain(json["token"]!.GetValue<string>(), interaction.ToString(), StringComparison.Ordinal);
        Assert.Contains("700000000000000076", interaction.ToString(), StringComparison.Ordinal);
    }
}
