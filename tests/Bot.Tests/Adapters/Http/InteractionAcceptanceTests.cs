using System.Text.Json;
using EventBot.Bot.Chat;
using EventBot.Bot.Interactions;
using EventBot.EventStore;
using EventBot.Projections.Feeds;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>
/// The "done when" on both hosts, through the real composition's slash-command handler, pipeline and SQLite
/// store: a signed <c>/remember set</c> appends one event, the same interaction again appends nothing,
/// <c>/remember get</c> answers the value, and a slow command takes the type-5 path and ends with the
/// edited original message. A command is slow because its server's lane is held (the handler runs a server's commands
/// in order), so it cannot finish within <c>EVENTBOT_INTERACTION_BUDGET_MS</c>.
/// </summary>
public sealed class InteractionAcceptanceTests
{
    const string Guild = "200000000000000002";

    /// <summary>The largest budget the settings allow, so commands answer in time on a loaded machine.</summary>
    static readonly Dictionary<string, string?> Settings = new() { ["EVENTBOT_INTERACTION_BUDGET_MS"] = "2500" };

    static byte[] SetTo(string id, string value) => InteractionBodies.Command(id, "remember", "set",
        new Dictionary<string, string> { ["key"] = "wifi", ["value"] = value }, token: "token-" + id);

    static byte[] Set(string id) => SetTo(id, "hunter2");

    static byte[] Get(string id) => InteractionBodies.Command(id, "remember", "get", new Dictionary<string, string> { ["key"] = "wifi" }, token: "token-" + id);

    static string Content(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(4, root.GetProperty("type").GetInt32());
        return root.GetProperty("data").GetProperty("content").GetString()!;
    }

    static async Task<int> RememberedEvents(IServiceProvider services)
    {
        var count = 0;
        await foreach (var e in services.GetRequiredService<IEventReader>().ReadAllAsync(CancellationToken.None))
            if (e.Type.Contains("Remembered", StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>Holds the server's lane until the returned source is set: its next commands wait behind it.</summary>
    static async Task<TaskCompletionSource> HoldLaneAsync(IServiceProvider services)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await services.GetRequiredService<GuildLanes>().EnqueueAsync(Guild, () => held.Task, CancellationToken.None);
        return held;
    }

    [Fact]
    public async Task Serve_sets_once_for_a_repeated_interaction_gets_the_value_and_edits_a_deferred_reply()
    {
        await using var serve = await ServeHost.StartAsync(extra: Settings);
        Assert.IsType<InteractionHandler>(serve.Host.Services.GetRequiredService<IInteractionHandler>());

        var first = await (await serve.PostAsync(Set("930"))).Content.ReadAsStringAsync();
        var again = await (await serve.PostAsync(Set("930"))).Content.ReadAsStringAsync();
        var get = await (await serve.PostAsync(Get("931"))).Content.ReadAsStringAsync();

        Assert.Equal("Remembered `wifi`: hunter2", Content(first));
        // A repeat appends nothing: the decider meets the value already set (a repeat whose decision would append
        // meets the interaction id's marker instead). Its answer is today's state, not the first answer replayed.
        Assert.Equal("`wifi` is already hunter2", Content(again));
        Assert.Equal(1, await RememberedEvents(serve.Host.Services));
        Assert.Equal("`wifi` is hunter2", Content(get));

        // A slow command: not ready within the budget, so type 5; when it ends, its reply replaces @original.
        var held = await HoldLaneAsync(serve.Host.Services);
        var slow = JsonDocument.Parse(await (await serve.PostAsync(Get("932"))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(5, slow.GetProperty("type").GetInt32());
        Assert.Empty(serve.Discord.Edits);
        held.SetResult();
        await serve.Discord.FirstEdit.Task.WaitAsync(TimeSpan.FromSeconds(120));
        var edit = Assert.Single(serve.Discord.Edits);
        Assert.Equal(("token-932", "`wifi` is hunter2"), (edit.Token, edit.Message.Content));
    }

    [Fact]
    public async Task Serve_defers_an_export_ephemerally_and_edits_original_with_the_file()
    {
        await using var serve = await ServeHost.StartAsync(extra: Settings);
        Assert.Equal("Remembered `wifi`: hunter2", Content(await (await serve.PostAsync(Set("950"))).Content.ReadAsStringAsync()));

        var first = JsonDocument.Parse(await (await serve.PostAsync(InteractionBodies.Command("951", "privacy", "export", token: "token-951"))).Content.ReadAsStringAsync()).RootElement;

        // Ready in time or not, an answer with a file is type 5 (flag 64) and the file goes with the edit.
        Assert.Equal(5, first.GetProperty("type").GetInt32());
        Assert.Equal(64, first.GetProperty("data").GetProperty("flags").GetInt32());
        await serve.Discord.FirstEdit.Task.WaitAsync(TimeSpan.FromSeconds(120));
        var edit = Assert.Single(serve.Discord.Edits);
        Assert.Equal("token-951", edit.Token);
        using var json = JsonDocument.Parse(Assert.Single(edit.Message.Files!).Content);
        Assert.Equal("hunter2", Assert.Single(json.RootElement.EnumerateArray()).GetProperty("data").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Lambda_sets_once_for_a_repeated_interaction_gets_the_value_and_a_slow_command_goes_through_the_queue()
    {
        await using var lambda = await LambdaInteractions.StartAsync(environment: Settings);
        var endpoint = lambda.EndpointComposition.Services;
        Assert.IsType<InteractionHandler>(endpoint.GetRequiredService<IInteractionHandler>());
        // On SQLite the read models are the in-process tail's (on AWS, the projector function's).
        await endpoint.GetRequiredService<SqliteTail>().StartAsync(CancellationToken.None);
        try
        {
            var first = await lambda.InvokeAsync(lambda.FunctionUrlEvent(Set("940")));
            var again = await lambda.InvokeAsync(lambda.FunctionUrlEvent(Set("940")));
            var get = await lambda.InvokeAsync(lambda.FunctionUrlEvent(Get("941")));

            Assert.Equal("Remembered `wifi`: hunter2", Content(first.Body));
            Assert.Equal("`wifi` is already hunter2", Content(again.Body));
            Assert.Equal(1, await RememberedEvents(endpoint));
            Assert.Equal("`wifi` is hunter2", Content(get.Body));
            Assert.Empty(lambda.Sqs.Messages(LambdaInteractions.QueueName));

            // A slow command: deferred and queued. Its run in the endpoint is what Lambda freezes once type 5 is out.
            var frozen = await HoldLaneAsync(endpoint);
            var slow = await lambda.InvokeAsync(lambda.FunctionUrlEvent(SetTo("942", "swordfish")));
            Assert.Equal(5, JsonDocument.Parse(slow.Body).RootElement.GetProperty("type").GetInt32());
            Assert.Single(lambda.Sqs.Messages(LambdaInteractions.QueueName));

            // The worker runs it to the end and edits the original message.
            Assert.Empty(await lambda.DeliverAsync());
            var edit = Assert.Single(lambda.Discord.Edits);
            Assert.Equal(("token-942", "Updated `wifi`: swordfish\n(was: hunter2)"), (edit.Token, edit.Message.Content));
            Assert.Empty(lambda.Sqs.Messages(LambdaInteractions.QueueName));
            Assert.Equal(2, await RememberedEvents(endpoint));

            // The container thaws later and the frozen run ends: the interaction id makes it append nothing more.
            frozen.SetResult();
            await endpoint.GetRequiredService<GuildLanes>().DrainAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(2, await RememberedEvents(endpoint));
            Assert.Single(lambda.Discord.Edits);
        }
        finally
        {
            await endpoint.GetRequiredService<SqliteTail>().StopAsync(CancellationToken.None);
        }
    }
}
