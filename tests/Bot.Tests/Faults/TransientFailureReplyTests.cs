using System.Net;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using EventBot.Bot.Pipeline;
using EventBot.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Faults;

/// <summary>
/// A command whose store is still throttled (or conflicting) after every retry gets a plain "try again", never an
/// error reference; a deterministic failure still gets one.
/// </summary>
public sealed class TransientFailureReplyTests
{
    private static Task<BotHarness> StartAsync(Func<Exception?> appendFault) =>
        BotHarness.StartAsync(configure: services =>
        {
            var inner = services.Single(d => d.ServiceType == typeof(IEventStore));
            services.Remove(inner);
            services.AddSingleton<IEventStore>(sp => new FaultyAppends((IEventStore)inner.ImplementationFactory!(sp), appendFault));
        });

    [Fact]
    public async Task A_throttled_append_after_the_retries_asks_the_user_to_try_again_and_the_next_message_works()
    {
        var faults = 1;
        await using var bot = await StartAsync(() => faults-- > 0
            ? new AmazonDynamoDBException("Rate of requests exceeds the allowed throughput.", ErrorType.Sender, "ThrottlingException", "r", HttpStatusCode.BadRequest)
            : null);

        var reply = await bot.SayAsync(".remember meeting is tomorrow");
        Assert.Equal(TransientFailureBehaviour<Mediator.IMessage, object>.TryAgain, reply);
        Assert.Contains("Nothing remembered", await bot.SayAsync(".remember meeting"), StringComparison.Ordinal);

        Assert.StartsWith("Remembered", await bot.SayAsync(".remember meeting is tomorrow"), StringComparison.Ordinal);
        Assert.Contains("tomorrow", await bot.SayAsync(".remember meeting"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transaction_conflict_after_the_retries_asks_the_user_to_try_again()
    {
        await using var bot = await StartAsync(() => new Amazon.DynamoDBv2.Model.TransactionCanceledException("cancelled")
        {
            ErrorCode = "TransactionCanceledException",
            StatusCode = HttpStatusCode.BadRequest,
            CancellationReasons = [new() { Code = "None" }, new() { Code = "TransactionConflict" }],
        });

        Assert.Equal(TransientFailureBehaviour<Mediator.IMessage, object>.TryAgain, await bot.SayAsync(".play coin heads"));
    }

    [Fact]
    public async Task A_deterministic_failure_still_gets_an_error_reference()
    {
        await using var bot = await StartAsync(() => new InvalidOperationException("a bug"));

        var reply = await bot.SayAsync(".remember meeting is tomorrow");

        Assert.StartsWith("Sorry, that failed on my side (error ", reply, StringComparison.Ordinal);
    }

    private sealed class FaultyAppends(IEventStore inner, Func<Exception?> fault) : IEventStore
    {
        public Task<AppendResult> AppendAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct) =>
            fault() is { } error ? throw error : inner.AppendAsync(stream, expectedVersion, events, context, ct);

        public Task<AppendResult> AppendWithUnfoldAsync(StreamName stream, long expectedVersion, IReadOnlyList<EventData> events, UnfoldData unfold,
            AppendContext context, CancellationToken ct) =>
            fault() is { } error ? throw error : inner.AppendWithUnfoldAsync(stream, expectedVersion, events, unfold, context, ct);

        public Task<IReadOnlyList<EventEnvelope>> ReadStreamBackwardAsync(StreamName stream, long beforeVersion, int limit, CancellationToken ct) =>
            inner.ReadStreamBackwardAsync(stream, beforeVersion, limit, ct);

        public Task<StreamUnfold?> ReadUnfoldAsync(StreamName stream, CancellationToken ct) => inner.ReadUnfoldAsync(stream, ct);

        public Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(StreamName stream, long fromVersion, CancellationToken ct) => inner.ReadStreamAsync(stream, fromVersion, ct);

        public Task<IReadOnlyList<EventEnvelope>> ReadGuildHistoryAsync(string guildId, string category, int skip, int take, CancellationToken ct) =>
            inner.ReadGuildHistoryAsync(guildId, category, skip, take, ct);

        public IAsyncEnumerable<EventEnvelope> ReadGuildEventsAsync(string guildId, string category, CancellationToken ct) =>
            inner.ReadGuildEventsAsync(guildId, category, ct);

        public IAsyncEnumerable<EventEnvelope> ReadAllAsync(CancellationToken ct) => inner.ReadAllAsync(ct);
    }
}
