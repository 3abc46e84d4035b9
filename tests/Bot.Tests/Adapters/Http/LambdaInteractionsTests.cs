using System.Text;
using System.Text.Json;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using EventBot.Interactions.Lambda;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>
/// The Function URL function and the queue worker, with the SQS implementation on the fake SQS: what Discord's portal
/// checks, and the type-5 path through the queue to the edited original message.
/// </summary>
public sealed class LambdaInteractionsTests
{
    static FakeInteractionHandler Deferring() => new()
    {
        // Never finishes inside the invocation: Lambda would freeze it.
        Start = _ => new InteractionStart(new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource), new TaskCompletionSource<InteractionMessage>().Task),
        Complete = i => new InteractionMessage($"slow {i.Data?.Name} done"),
    };

    [Fact]
    public async Task A_signed_ping_answers_200_type_1_plain_or_base64()
    {
        await using var lambda = await LambdaInteractions.StartAsync(new FakeInteractionHandler());

        var plain = await lambda.InvokeAsync(lambda.FunctionUrlEvent(InteractionBodies.Ping()));
        var base64 = await lambda.InvokeAsync(lambda.FunctionUrlEvent(InteractionBodies.Ping(), base64: true));

        Assert.Equal((200, "application/json", """{"type":1}"""), plain);
        Assert.Equal(plain, base64);
    }

    [Fact]
    public async Task A_bad_missing_or_stale_signature_answers_401()
    {
        await using var lambda = await LambdaInteractions.StartAsync(new FakeInteractionHandler());
        var body = InteractionBodies.Ping();

        var bad = await lambda.InvokeAsync(lambda.FunctionUrlEvent(body, headers: h => h["x-signature-ed25519"] = new string('b', 128)));
        var missing = await lambda.InvokeAsync(lambda.FunctionUrlEvent(body, headers: h => h.Remove("x-signature-ed25519")));
        var stale = await lambda.InvokeAsync(lambda.FunctionUrlEvent(body, DateTimeOffset.UtcNow.AddMinutes(-6)));

        Assert.Equal([401, 401, 401], new[] { bad.Status, missing.Status, stale.Status });
    }

    [Fact]
    public async Task Not_a_post_or_not_an_event_is_refused_without_failing_the_invocation()
    {
        await using var lambda = await LambdaInteractions.StartAsync(new FakeInteractionHandler());

        Assert.Equal(405, (await lambda.InvokeAsync(lambda.FunctionUrlEvent(InteractionBodies.Ping(), method: "GET"))).Status);
        Assert.Equal(400, (await lambda.InvokeAsync("not json")).Status);
        Assert.Equal(413, (await lambda.InvokeAsync(lambda.FunctionUrlEvent(new byte[200_000]))).Status);
    }

    [Fact]
    public async Task A_command_ready_in_time_is_answered_type_4_and_nothing_is_queued()
    {
        await using var lambda = await LambdaInteractions.StartAsync(new FakeInteractionHandler());

        var (status, _, body) = await lambda.InvokeAsync(lambda.FunctionUrlEvent(InteractionBodies.Command("920", "stats")));

        Assert.Equal(200, status);
        Assert.Equal(4, JsonDocument.Parse(body).RootElement.GetProperty("type").GetInt32());
        Assert.Empty(lambda.Sqs.Messages(LambdaInteractions.QueueName));
    }

    [Fact]
    public async Task A_slow_command_is_queued_answered_type_5_and_the_worker_edits_the_original_message()
    {
        var handler = Deferring();
        await using var lambda = await LambdaInteractions.StartAsync(handler);
        var command = InteractionBodies.Command("921", "stats");

        var (status, _, body) = await lambda.InvokeAsync(lambda.FunctionUrlEvent(command));

        Assert.Equal((200, 5), (status, JsonDocument.Parse(body).RootElement.GetProperty("type").GetInt32()));
        var queued = Assert.Single(lambda.Sqs.Messages(LambdaInteractions.QueueName));
        Assert.Equal(Encoding.UTF8.GetString(command), queued.Body);
        Assert.Empty(lambda.Discord.Edits);

        Assert.Empty(await lambda.DeliverAsync());

        var edit = Assert.Single(lambda.Discord.Edits);
        Assert.Equal(("42", InteractionBodies.Token, "slow stats done"), (edit.ApplicationId, edit.Token, edit.Message.Content));
        Assert.Equal("921", Assert.Single(handler.Completed).Id);
        Assert.Empty(lambda.Sqs.Messages(LambdaInteractions.QueueName));
    }

    [Fact]
    public async Task A_message_whose_edit_fails_is_reported_delivered_again_and_then_edits_once_with_the_first_outcome()
    {
        var handler = Deferring();
        var outcomes = 0;
        handler.Complete = i => new InteractionMessage($"outcome {Interlocked.Increment(ref outcomes)}");
        await using var lambda = await LambdaInteractions.StartAsync(handler);
        await lambda.InvokeAsync(lambda.FunctionUrlEvent(InteractionBodies.Command("922", "stats")));
        lambda.Discord.FailNext = 1;

        var failed = await lambda.DeliverAsync();
        Assert.Equal(Assert.Single(lambda.Sqs.Messages(LambdaInteractions.QueueName)).MessageId, Assert.Single(failed));
        lambda.Sqs.ExpireVisibility();
        Assert.Empty(await lambda.DeliverAsync());

        Assert.Equal(2, handler.Completed.Count);
        Assert.Equal("outcome 1", Assert.Single(lambda.Discord.Edits).Message.Content);
        Assert.Empty(lambda.Sqs.Messages(LambdaInteractions.QueueName));
    }

    [Fact]
    public async Task Throttling_and_server_errors_from_SQS_are_retried_before_type_5_is_answered()
    {
        await using var lambda = await LambdaInteractions.StartAsync(Deferring());
        lambda.Sqs.Fail(1, 400, "ThrottlingException");
        lambda.Sqs.Fail(1, 400, "RequestThrottled");
        lambda.Sqs.Fail(1, 500, "InternalFailure");

        var (status, _, body) = await lambda.InvokeAsync(lambda.FunctionUrlEvent(InteractionBodies.Command("923", "stats")));

        Assert.Equal((200, 5), (status, JsonDocument.Parse(body).RootElement.GetProperty("type").GetInt32()));
        Assert.Equal(3, lambda.Sqs.FaultsServed);
        Assert.Single(lambda.Sqs.Messages(LambdaInteractions.QueueName));
        Assert.All(lambda.Sqs.Calls, c => Assert.Equal(new Testing.FakeSqsCall("SendMessage", LambdaInteractions.QueueName), c));
    }

    [Fact]
    public async Task When_SQS_keeps_failing_the_endpoint_answers_500_and_queues_nothing()
    {
        await using var lambda = await LambdaInteractions.StartAsync(Deferring());
        lambda.Sqs.Fail(50, 500, "InternalFailure");

        var (status, _, _) = await lambda.InvokeAsync(lambda.FunctionUrlEvent(InteractionBodies.Command("924", "stats")));

        Assert.Equal(500, status);
        Assert.Equal(5, lambda.Sqs.FaultsServed); // the first try and four retries
        Assert.Empty(lambda.Sqs.Messages(LambdaInteractions.QueueName));
    }

    [Fact]
    public async Task An_access_denied_from_SQS_is_not_retried()
    {
        await using var lambda = await LambdaInteractions.StartAsync(Deferring());
        lambda.Sqs.Fail(1, 400, "AccessDeniedException");

        var (status, _, _) = await lambda.InvokeAsync(lambda.FunctionUrlEvent(InteractionBodies.Command("925", "stats")));

        Assert.Equal(500, status);
        Assert.Equal(1, lambda.Sqs.FaultsServed);
    }

    [Fact]
    public void The_handler_strings_resolve_as_the_runtime_resolves_them()
    {
        foreach (var handler in new[] { InteractionsContract.EndpointHandler, InteractionsContract.WorkerHandler })
        {
            var parts = handler.Split("::");
            var type = System.Reflection.Assembly.Load(parts[0]).GetType(parts[1], throwOnError: true)!;
            var method = type.GetMethod(parts[2], [typeof(Stream)]);
            Assert.Equal(typeof(Task<Stream>), method!.ReturnType);
            Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        }
    }
}
