using System.Text.Json;
using EventBot.Bot.Chat;
using EventBot.EventStore;
using EventBot.Projections.Feeds;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>
/// The "done when" on both hosts, through the real pipeline and SQLite store (the slash-command handler is
/// <see cref="ChatBotInteractionHandler"/> until issue 15's is on main): a signed <c>/remember set</c> appends one event,
/// the same interaction again appends nothing and answers the same, <c>/remember get</c> answers the value, and a slow
/// command takes the type-5 path and ends with the edited original message.
/// </summary>
public sealed class InteractionAcceptanceTests
{
    static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    static byte[] Set(string id) => InteractionBodies.Command(id, "remember", "set", new Dictionary<string, string> { ["key"] = "wifi", ["value"] = "hunter2" });

    static byte[] SetTo(string id, string value) => InteractionBodies.Command(id, "remember", "set", new Dictionary<string, string> { ["key"] = "wifi", ["value"] = value });

    static byte[] Get(string id) => InteractionBodies.Command(id, "remember", "get", new Dictionary<string, string> { ["key"] = "wifi" });

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

    [Fact]
    public async Task Serve_sets_once_for_a_repeated_interaction_gets_the_value_and_edits_a_deferred_reply()
    {
        ChatBotInteractionHandler? handler = null;
        await using var serve = await ServeHost.StartAsync(extra: null, configure: s => s.AddSingleton<EventBot.Bot.Interactions.IInteractionHandler>(sp =>
            handler = new ChatBotInteractionHandler(sp.GetRequiredService<ChatBot>(), Budget)));

        var first = await (await serve.PostAsync(Set("930"))).Content.ReadAsStringAsync();
        var again = await (await serve.PostAsync(Set("930"))).Content.ReadAsStringAsync();
        var get = await (await serve.PostAsync(Get("931"))).Content.ReadAsStringAsync();

        Assert.Equal("Remembered `wifi`: hunter2", Content(first));
        // The bot's own decider answers a repeat without appending; issue 15's handler answers the first outcome.
        Assert.Contains("hunter2", Content(again), StringComparison.Ordinal);
        Assert.Equal(1, await RememberedEvents(serve.Host.Services));
        Assert.Equal("`wifi` is hunter2", Content(get));

        // A slow command: not ready within the budget, so type 5; when it ends, its reply replaces @original.
        var slowWork = new TaskCompletionSource();
        (handler!.Budget, handler.Gate) = (TimeSpan.FromMilliseconds(50), slowWork.Task);
        var slow = JsonDocument.Parse(await (await serve.PostAsync(Get("932"))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(5, slow.GetProperty("type").GetInt32());
        Assert.Empty(serve.Discord.Edits);
        slowWork.SetResult();
        await serve.Discord.FirstEdit.Task.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal("`wifi` is hunter2", Assert.Single(serve.Discord.Edits).Message.Content);
    }

    [Fact]
    public async Task Lambda_sets_once_for_a_repeated_interaction_gets_the_value_and_a_slow_command_goes_through_the_queue()
    {
        var handlers = new List<ChatBotInteractionHandler>();
        await using var lambda = await LambdaInteractions.StartAsync(configure: s => s.AddSingleton<EventBot.Bot.Interactions.IInteractionHandler>(sp =>
        {
            var handler = new ChatBotInteractionHandler(sp.GetRequiredService<ChatBot>(), Budget);
            lock (handlers) handlers.Add(handler);
            return handler;
        }));
        // Made now, so the first is the endpoint's (the worker's comes with its first message).
        lambda.EndpointComposition.Services.GetRequiredService<EventBot.Bot.Interactions.IInteractionHandler>();
        // On SQLite the read models are the in-process tail's (on AWS, the projector function's).
        await lambda.EndpointComposition.Services.GetRequiredService<SqliteTail>().StartAsync(CancellationToken.None);
        try
        {
            var first = await lambda.InvokeAsync(lambda.FunctionUrlEvent(Set("940")));
            var again = await lambda.InvokeAsync(lambda.FunctionUrlEvent(Set("940")));
            var get = await lambda.InvokeAsync(lambda.FunctionUrlEvent(Get("941")));

            Assert.Equal("Remembered `wifi`: hunter2", Content(first.Body));
            Assert.Contains("hunter2", Content(again.Body), StringComparison.Ordinal);
            Assert.Equal(1, await RememberedEvents(lambda.EndpointComposition.Services));
            Assert.Equal("`wifi` is hunter2", Content(get.Body));

            // A slow command: deferred and queued. Its run in the endpoint is what Lambda freezes once type 5 is out.
            var frozen = new TaskCompletionSource();
            var endpoint = Assert.Single(handlers);
            (endpoint.Budget, endpoint.Gate) = (TimeSpan.FromMilliseconds(50), frozen.Task);
            var slow = await lambda.InvokeAsync(lambda.FunctionUrlEvent(SetTo("942", "swordfish")));
            Assert.Equal(5, JsonDocument.Parse(slow.Body).RootElement.GetProperty("type").GetInt32());
            Assert.Single(lambda.Sqs.Messages(LambdaInteractions.QueueName));

            // The worker runs it to the end and edits the original message.
            Assert.Empty(await lambda.DeliverAsync());
            Assert.Equal("Updated `wifi`: swordfish\n(was: hunter2)", Assert.Single(lambda.Discord.Edits).Message.Content);
            Assert.Empty(lambda.Sqs.Messages(LambdaInteractions.QueueName));

            // The container thaws later and the frozen run ends: the interaction id makes it append nothing more.
            frozen.SetResult();
            Assert.Contains("swordfish", (await endpoint.Runs[^1].WaitAsync(TimeSpan.FromSeconds(120))).Content, StringComparison.Ordinal);
            Assert.Equal(2, await RememberedEvents(lambda.EndpointComposition.Services));
        }
        finally
        {
            await lambda.EndpointComposition.Services.GetRequiredService<SqliteTail>().StopAsync(CancellationToken.None);
        }
    }
}
