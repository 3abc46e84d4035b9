using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBot.Discord.Interactions;
using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;

namespace EventBot.Discord.Tests.Rest;

/// <summary>
/// Files (API reference › Uploading Files): the edit of @original, a follow-up and a DM carry a file as
/// <c>multipart/form-data</c>, which the fake parses as Discord does, so the file read back is the file sent.
/// </summary>
public sealed class UploadTests
{
    private const string User = "200000000000000042";
    private static readonly byte[] Json = Encoding.UTF8.GetBytes("""[{"type":"ValueRemembered","data":{"value":"hunter2 <@1> @everyone"}}]""");
    private static readonly DiscordFile File = new("privacy-export-42.json", "application/json", Json);
    private static int _next = 100;

    private static DiscordInteraction New(TestDiscord discord)
    {
        var json = FakeInteractions.Command($"7100000000000{Interlocked.Increment(ref _next):00000}", "privacy");
        discord.Server.RegisterInteraction(json);
        using var doc = JsonDocument.Parse(json.ToJsonString());
        return DiscordInteractionJson.Parse(doc.RootElement);
    }

    [Fact]
    public async Task A_deferred_answer_edits_original_with_the_file_as_payload_json_and_files_0()
    {
        await using var discord = await TestDiscord.StartAsync();
        var interaction = New(discord);

        await discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource, new InteractionMessage(null, Ephemeral: true)), CancellationToken.None);
        await discord.Rest.EditOriginalAsync(interaction.ApplicationId, interaction.Token, new InteractionMessage("Your export", Ephemeral: true, Files: [File]), CancellationToken.None);

        var edit = discord.Server.InteractionCalls.Single(c => c.Kind == FakeInteractionCallKind.EditOriginal);
        var file = Assert.Single(edit.Files);
        Assert.Equal(("files[0]", "privacy-export-42.json", "application/json"), (file.PartName, file.FileName, file.ContentType));
        Assert.Equal(Json, file.Content);
        Assert.Equal("hunter2 <@1> @everyone", JsonNode.Parse(file.Text)![0]!["data"]!["value"]!.GetValue<string>());
        Assert.Equal("""[{"id":0,"filename":"privacy-export-42.json"}]""", edit.Body.GetProperty("attachments").GetRawText());
        Assert.Equal("""{"parse":[]}""", edit.Body.GetProperty("allowed_mentions").GetRawText());
        Assert.Equal("Your export", edit.Body.GetProperty("content").GetString());
        Assert.Equal("", edit.Authorization);
        Assert.DoesNotContain(interaction.Token, discord.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follow_up_with_only_a_file_is_ephemeral_and_multipart()
    {
        await using var discord = await TestDiscord.StartAsync();
        var interaction = New(discord);
        await discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource, new InteractionMessage(null, Ephemeral: true)), CancellationToken.None);

        await discord.Rest.FollowUpAsync(interaction.ApplicationId, interaction.Token, new InteractionMessage(null, Ephemeral: true, Files: [File]), CancellationToken.None);

        var followUp = discord.Server.InteractionCalls.Single(c => c.Kind == FakeInteractionCallKind.FollowUp);
        Assert.Equal(64, followUp.Body.GetProperty("flags").GetInt32());
        Assert.Equal(Json, Assert.Single(followUp.Files).Content);
    }

    [Fact]
    public async Task A_rate_limited_edit_with_a_file_is_sent_again_whole_after_the_wait()
    {
        await using var discord = await TestDiscord.StartAsync();
        var interaction = New(discord);
        await discord.Rest.RespondAsync(interaction, new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource, new InteractionMessage(null, Ephemeral: true)), CancellationToken.None);
        discord.Server.EnqueueWebhook(FakeRestResponse.RateLimited(1, bucket: "fake-interaction-webhook"));

        await discord.Rest.EditOriginalAsync(interaction.ApplicationId, interaction.Token, new InteractionMessage("Your export", Files: [File]), CancellationToken.None);

        var edits = discord.Server.InteractionCalls.Where(c => c.Kind == FakeInteractionCallKind.EditOriginal).ToList();
        Assert.Equal(2, edits.Count);
        Assert.All(edits, e => Assert.Equal(Json, Assert.Single(e.Files).Content));
        Assert.True(edits[1].ReceivedAt - edits[0].ReceivedAt >= TimeSpan.FromSeconds(0.8), $"retried after {edits[1].ReceivedAt - edits[0].ReceivedAt}");
        Assert.DoesNotContain(interaction.Token, discord.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_DM_opens_the_channel_then_posts_the_file_there()
    {
        await using var discord = await TestDiscord.StartAsync();

        var channel = await discord.Rest.CreateDmAsync(User, CancellationToken.None);
        await discord.Rest.SendMessageAsync(channel, "Your export", [File], CancellationToken.None);

        Assert.Equal(FakeDiscordServer.DmChannelOf(User), channel);
        var open = discord.Server.Requests.Single(r => r.Path == "/api/v10/users/@me/channels");
        Assert.Equal(("POST", $$"""{"recipient_id":"{{User}}"}"""), (open.Method, open.Body));
        Assert.Equal($"Bot {FakeDiscordServer.DefaultToken}", open.Authorization);
        var sent = Assert.Single(discord.Server.MessageRequests);
        Assert.Equal($"/api/v10/channels/{channel}/messages", sent.Path);
        Assert.Equal(Json, Assert.Single(sent.Files).Content);
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal("""{"parse":[]}""", body.RootElement.GetProperty("allowed_mentions").GetRawText());
        Assert.Equal("""[{"id":0,"filename":"privacy-export-42.json"}]""", body.RootElement.GetProperty("attachments").GetRawText());
    }

    [Fact]
    public async Task A_user_with_closed_DMs_is_reported_as_50007()
    {
        await using var discord = await TestDiscord.StartAsync();
        discord.Server.ClosedDms[User] = true;

        var channel = await discord.Rest.CreateDmAsync(User, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<DiscordRestException>(() => discord.Rest.SendMessageAsync(channel, "Your export", [File], CancellationToken.None));

        Assert.Equal((403, DiscordErrorCodes.CannotSendMessagesToUser), (refused.StatusCode, refused.DiscordErrorCode));
    }

    [Fact]
    public async Task Files_Discord_would_refuse_are_refused_before_sending()
    {
        await using var discord = await TestDiscord.StartAsync();
        var channel = await discord.Rest.CreateDmAsync(User, CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentException>(() => discord.Rest.SendMessageAsync(channel, "x", [new DiscordFile("a\"b.json", "application/json", Json)], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => discord.Rest.SendMessageAsync(channel, "x", [new DiscordFile("big.json", "application/json", new byte[DiscordFile.MaxBytes + 1])], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => discord.Rest.RespondAsync(New(discord),
            new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("x", Files: [File])), CancellationToken.None));
        Assert.Empty(discord.Server.MessageRequests);
    }

    /// <summary>The fake is as strict as Discord: a file part without a filename, or an attachment without its part, is 50035.</summary>
    [Theory]
    [InlineData("no-filename")]
    [InlineData("no-part")]
    [InlineData("too-large")]
    public async Task The_fake_refuses_a_malformed_upload_as_Discord_does(string fault)
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var http = new HttpClient();
        using var body = new MultipartFormDataContent("b");
        var payload = new StringContent("""{"content":"x","attachments":[{"id":0,"filename":"a.json"}]}""", Encoding.UTF8, "application/json");
        payload.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"payload_json\"" };
        body.Add(payload);
        if (fault != "no-part")
        {
            var file = new ByteArrayContent(fault == "too-large" ? new byte[FakeDiscordServer.UploadLimitBytes + 1] : Json);
            file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"files[0]\"", FileName = fault == "no-filename" ? null : "\"a.json\"" };
            body.Add(file);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, server.ApiBaseUrl + "/channels/300000000000000001/messages") { Content = body };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bot", FakeDiscordServer.DefaultToken);

        using var response = await http.SendAsync(request);

        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(fault == "too-large" ? (413, 40005) : (400, 50035), ((int)response.StatusCode, error.RootElement.GetProperty("code").GetInt32()));
    }
}
