using System.Net;
using System.Text.Json;
using EventBot.Bot.Adapters.Http;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>The <c>serve</c> verb through real Kestrel: what Discord's portal and Discord itself send.</summary>
public sealed class ServeVerbTests
{
    [Fact]
    public async Task A_signed_ping_answers_200_type_1_and_healthz_answers_on_the_same_port()
    {
        await using var serve = await ServeHost.StartAsync(new FakeInteractionHandler());

        using var pong = await serve.PostAsync(InteractionBodies.Ping());
        using var health = await serve.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, pong.StatusCode);
        Assert.Equal("application/json", pong.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"type":1}""", await pong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_bad_missing_or_stale_signature_answers_401()
    {
        await using var serve = await ServeHost.StartAsync(new FakeInteractionHandler());
        var body = InteractionBodies.Ping();

        using var bad = await serve.PostAsync(body, headers: h =>
        {
            h.Remove(InteractionEndpoint.SignatureHeader);
            h.Add(InteractionEndpoint.SignatureHeader, new string('a', 128));
        });
        using var missing = await serve.PostAsync(body, headers: h => h.Remove(InteractionEndpoint.SignatureHeader));
        using var stale = await serve.PostAsync(body, DateTimeOffset.UtcNow.AddMinutes(-10));

        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
    }

    [Fact]
    public async Task An_oversized_body_answers_413_and_the_server_keeps_serving()
    {
        await using var serve = await ServeHost.StartAsync(new FakeInteractionHandler());
        var huge = new byte[1024 * 1024];
        huge.AsSpan().Fill((byte)' ');

        using var tooLarge = await serve.PostAsync(huge);
        using var pong = await serve.PostAsync(InteractionBodies.Ping());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.OK, pong.StatusCode);
    }

    [Fact]
    public async Task A_deferred_command_is_answered_type_5_and_its_outcome_edits_the_original_message()
    {
        var slow = new TaskCompletionSource<InteractionMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeInteractionHandler
        {
            Start = _ => new InteractionStart(new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource), slow.Task),
        };
        await using var serve = await ServeHost.StartAsync(handler);

        using var response = await serve.PostAsync(InteractionBodies.Command("910", "stats"));
        Assert.Equal(5, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetInt32());
        Assert.Empty(serve.Discord.Edits);

        slow.SetResult(new InteractionMessage("42 events"));
        await serve.Discord.FirstEdit.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var edit = Assert.Single(serve.Discord.Edits);
        Assert.Equal(("42", InteractionBodies.Token, "42 events"), (edit.ApplicationId, edit.Token, edit.Message.Content));
        // The work that was running is what was sent: the handler was not run a second time.
        Assert.Empty(handler.Completed);
    }

    [Fact]
    public async Task Stopping_waits_for_deferred_work_and_still_edits_the_original_message()
    {
        var slow = new TaskCompletionSource<InteractionMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeInteractionHandler
        {
            Start = _ => new InteractionStart(new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource), slow.Task),
        };
        var serve = await ServeHost.StartAsync(handler);
        using (await serve.PostAsync(InteractionBodies.Command("911", "stats")))
        {
        }

        var stopping = serve.DisposeAsync().AsTask();
        await Task.Delay(100);
        Assert.False(stopping.IsCompleted);
        slow.SetResult(new InteractionMessage("done late"));
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("done late", Assert.Single(serve.Discord.Edits).Message.Content);
    }
}
