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

    public BotHarness(IDictionary<string, string?>? extra = null, Action<IServiceCollection>? configure = null)
    {
        var environment = new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _dir };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) environment[k] = v;
        var builder = BotHost.CreateBuilder(environment);
        builder.Services.AddSingleton<TimeProvider>(Time);
        configure?.Invoke(builder.Services);
        Host = builder.Build();
        Host.StartAsync().GetAwaiter().GetResult();
        Bot = Host.Services.GetRequiredService<ChatBot>();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero));

    public IHost Host { get; }

    public ChatBot Bot { get; }

    public static readonly GuildId Guild = GuildId.FromName("test-server");

    public static ChatUser User(string name) => new(UserId.FromName(name), name);

    public Task<string?> SayAsync(string content, string user = "alice", GuildId? guild = null, string? messageId = null) =>
        SendAsync(new ChatMessage(messageId ?? $"m{Interlocked.Increment(ref _messages)}", guild ?? Guild, User(user), content, Adapters.Console.ConsoleMentions.Find(content)));

    public async Task<string?> SendAsync(ChatMessage message) => (await Bot.HandleAsync(message, default))?.Text;

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
