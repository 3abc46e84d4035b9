using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using EventBot.Domain.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Bot.Tests;

/// <summary>The real container on real SQLite with a fake clock; messages go straight to <see cref="ChatBot"/>.</summary>
public sealed class BotHarness : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));
    private int _messages;

    private BotHarness(IDictionary<string, string?>? extra, Action<IServiceCollection>? configure, bool fakeTime)
    {
        var environment = new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _dir };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) environment[k] = v;
        var builder = BotHost.CreateBuilder(environment);
        // A fake clock stops every timer: fine with the in-process SQLite tail (woken by appends), not with a polling
        // feed such as the DynamoDB Streams poller, which needs real time to pass.
        if (fakeTime) builder.Services.AddSingleton<TimeProvider>(Time);
        configure?.Invoke(builder.Services);
        Host = builder.Build();
        Bot = Host.Services.GetRequiredService<ChatBot>();
    }

    /// <summary>
    /// Builds and starts the host. Async on purpose: blocking on StartAsync inside xunit's limited
    /// synchronisation context deadlocks once every worker thread is blocked.
    /// </summary>
    public static async Task<BotHarness> StartAsync(IDictionary<string, string?>? extra = null, Action<IServiceCollection>? configure = null, bool fakeTime = true)
    {
        var harness = new BotHarness(extra, configure, fakeTime);
        await harness.Host.StartAsync();
        return harness;
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero));

    /// <summary>The data directory (the SQLite file, the key file).</summary>
    public string DataDir => _dir;

    public IHost Host { get; }

    public ChatBot Bot { get; }

    public static readonly GuildId Guild = GuildId.FromName("test-server");

    public static ChatUser User(string name) => new(UserId.FromName(name), name);

    public Task<string?> SayAsync(string content, string user = "alice", GuildId? guild = null, string? messageId = null) =>
        SendAsync(new ChatMessage(messageId ?? $"m{Interlocked.Increment(ref _messages)}", guild ?? Guild, User(user), content, EventBot.Bot.Adapters.Console.ConsoleMentions.Find(content)));

    public async Task<string?> SendAsync(ChatMessage message) => (await Bot.HandleAsync(message, default))?.Text;

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
