using System.Collections.Concurrent;
using EventBot.Bot.Adapters.Discord;
using EventBot.Discord;
using EventBot.Discord.Interactions;
using EventBot.Discord.Tests.Fake;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static EventBot.Discord.Interactions.InteractionCallbackType;

namespace EventBot.Bot.Tests.Interactions;

/// <summary>
/// The Discord adapter's interaction half, against an in-test fake of the callback endpoints: one answer per interaction
/// id, deferral then edit, and an expired acknowledgement logged once and never retried.
/// </summary>
public sealed class DiscordInteractionAdapterTests : IAsyncLifetime
{
    private readonly FakeInteractions _discord = new();
    private readonly CapturedLogs _logs = new();
    private BotHarness _h = null!;
    private DiscordChat _chat = null!;

    public async Task InitializeAsync() => await StartAsync();

    private async Task StartAsync(Dictionary<string, string?>? environment = null)
    {
        environment ??= [];
        environment.TryAdd("EVENTBOT_RATE_LIMIT_BURST", "100");
        _h = await BotHarness.StartAsync(environment, services => services.AddSingleton<ILoggerProvider>(_logs));
        _chat = ActivatorUtilities.CreateInstance<DiscordChat>(_h.Host.Services, new NoGateway(), new NoRest(), (IDiscordInteractions)_discord);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<IReadOnlyList<EventEnvelope>> StreamAsync(string key) =>
        _h.Host.Services.GetRequiredService<IEventReader>().ReadStreamAsync(new StreamName(RememberStream.For(BotHarness.Guild, MemoryKey.Parse(key))), 1, default);

    [Fact]
    public async Task An_interaction_delivered_twice_appends_once_and_answers_once()
    {
        var set = Slash.Command("remember", "set", ("key", "meeting"), ("value", "tomorrow"));

        await _chat.OnInteractionAsync(set, default);
        await _chat.OnInteractionAsync(set, default);
        await Wait.UntilAsync(() => !_discord.Responses.IsEmpty, what: "the callback");
        await Task.Delay(200); // room for a wrong second answer to show up

        var response = Assert.Single(_discord.Responses);
        Assert.Equal((set.Id, ChannelMessageWithSource), (response.Interaction.Id, response.Response.Type));
        Assert.Single(await StreamAsync("meeting"));
        Assert.Contains(_logs.Lines, l => l.Contains($"Interaction {set.Id} was delivered again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_interaction_is_logged_once_with_its_command_and_the_saved_event_stays()
    {
        _discord.Expire = true;
        var set = Slash.Command("remember", "set", ("key", "meeting"), ("value", "tomorrow"));

        await _chat.OnInteractionAsync(set, default);
        await Wait.UntilAsync(() => _logs.Lines.Any(l => l.Contains("expired", StringComparison.Ordinal)), what: "the expiry log line");

        Assert.Single(_discord.Responses); // tried once, never again
        Assert.Single(_logs.Lines, l => l.Contains($"Interaction {set.Id} (remember) expired", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(set.Token, StringComparison.Ordinal));
        Assert.Single(await StreamAsync("meeting"));
        Assert.Empty(_discord.Edits);
    }

    [Fact]
    public async Task A_deferred_command_edits_its_original_response()
    {
        await DisposeAsync();
        await StartAsync(new() { ["EVENTBOT_INTERACTION_BUDGET_MS"] = "0" });
        var set = Slash.Command("remember", "set", ("key", "meeting"), ("value", "tomorrow"));

        await _chat.OnInteractionAsync(set, default);
        await Wait.UntilAsync(() => !_discord.Edits.IsEmpty, what: "the edit of @original");

        Assert.Equal(DeferredChannelMessageWithSource, Assert.Single(_discord.Responses).Response.Type);
        var edit = Assert.Single(_discord.Edits);
        Assert.Equal((Slash.Application, set.Token, "Remembered `meeting`: tomorrow"), (edit.Application, edit.Token, edit.Message.Content));
    }

    [Fact]
    public async Task A_rate_limited_user_is_told_each_time_ephemerally_and_nothing_runs()
    {
        await DisposeAsync();
        await StartAsync(new() { ["EVENTBOT_RATE_LIMIT_BURST"] = "1", ["EVENTBOT_RATE_LIMIT_PER_MINUTE"] = "1" });

        await _chat.OnInteractionAsync(Slash.Command("remember", "set", ("key", "a"), ("value", "1")), default);
        await Wait.UntilAsync(() => _discord.Responses.Count == 1);
        await _chat.OnInteractionAsync(Slash.Command("remember", "set", ("key", "b"), ("value", "1")), default);
        await _chat.OnInteractionAsync(Slash.Command("remember", "set", ("key", "c"), ("value", "1")), default);
        await Wait.UntilAsync(() => _discord.Responses.Count == 3, what: "three answers");

        Assert.All(_discord.Responses.Skip(1), r => Assert.True(r.Response.Message!.Ephemeral));
        Assert.All(_discord.Responses.Skip(1), r => Assert.StartsWith("⚠️ Slow down", r.Response.Message!.Content, StringComparison.Ordinal));
        Assert.Empty(await StreamAsync("b"));
    }

    private sealed class FakeInteractions : IDiscordInteractions
    {
        public bool Expire { get; set; }

        public ConcurrentQueue<(DiscordInteraction Interaction, InteractionResponse Response)> Responses { get; } = new();

        public ConcurrentQueue<(string Application, string Token, InteractionMessage Message)> Edits { get; } = new();

        public Task RespondAsync(DiscordInteraction interaction, InteractionResponse response, CancellationToken ct)
        {
            Responses.Enqueue((interaction, response));
            return Expire ? Task.FromException(new DiscordInteractionExpiredException("Unknown interaction (10062).")) : Task.CompletedTask;
        }

        public Task EditOriginalAsync(string applicationId, string token, InteractionMessage message, CancellationToken ct)
        {
            Edits.Enqueue((applicationId, token, message));
            return Task.CompletedTask;
        }

        public Task FollowUpAsync(string applicationId, string token, InteractionMessage message, CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class NoGateway : IDiscordGateway
    {
        public DiscordUser? CurrentUser => null;

        public Task<DiscordUser> WaitUntilReadyAsync(CancellationToken ct) => Task.FromResult(new DiscordUser("1", "bot", null, true));

        public Task RunAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, CancellationToken ct) => Task.Delay(Timeout.Infinite, ct);
    }

    private sealed class NoRest : IDiscordRest
    {
        public Task SendReplyAsync(string channelId, string replyToMessageId, string content, IReadOnlyList<DiscordEmbed>? embeds, CancellationToken ct) => Task.CompletedTask;

        public Task<DiscordUser> GetCurrentUserAsync(CancellationToken ct) => Task.FromResult(new DiscordUser("1", "bot", null, true));

        public Task<string> CreateDmAsync(string userId, CancellationToken ct) => Task.FromResult("2");

        public Task SendMessageAsync(string channelId, string content, IReadOnlyList<DiscordFile> files, CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
