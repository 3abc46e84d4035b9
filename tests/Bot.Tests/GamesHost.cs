using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Chat;
using EventBot.Bot.Features.Play;
using EventBot.Bot.Hosting;
using EventBot.Domain.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Bot.Tests;

/// <summary>
/// The real container (BotHost.CreateBuilder) on a real SQLite file in a temp folder, with a fake clock and scripted
/// randomness; the hosted SQLite tail runs, so replies wait for real projections. Users are console-style names.
/// </summary>
public sealed class GamesHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    public static readonly GuildId Guild = GuildId.FromName("games-test");

    private readonly IHost _host;
    private int _messages;

    private GamesHost(IHost host, string dataDir, FakeTimeProvider time, ScriptedRandom random)
    {
        (_host, DataDir, Time, Random) = (host, dataDir, time, random);
        Bot = host.Services.GetRequiredService<ChatBot>();
    }

    public string DataDir { get; }

    public FakeTimeProvider Time { get; }

    public ScriptedRandom Random { get; }

    public ChatBot Bot { get; }

    public IServiceProvider Services => _host.Services;

    public static string NewDataDir() => Path.Combine(Path.GetTempPath(), "eventbot-bot-tests", Guid.NewGuid().ToString("N"));

    public static async Task<GamesHost> StartAsync(IDictionary<string, string?>? environment = null, DateTimeOffset? start = null)
    {
        var dir = NewDataDir();
        var time = new FakeTimeProvider(start ?? Start);
        var random = new ScriptedRandom();
        var builder = Builder(dir, time, random, environment);
        var host = builder.Build();
        await host.StartAsync();
        return new GamesHost(host, dir, time, random);
    }

    /// <summary>The production builder, with the clock and the random source swapped for test doubles.</summary>
    public static HostApplicationBuilder Builder(string dataDir, TimeProvider time, IRandomSource random, IDictionary<string, string?>? environment = null)
    {
        var variables = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
        {
            ["EVENTBOT_DATA_DIR"] = dataDir,
        };
        var builder = BotHost.CreateBuilder(variables);
        builder.Logging.ClearProviders();
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton(time);
        builder.Services.RemoveAll<IRandomSource>();
        builder.Services.AddSingleton(random);
        return builder;
    }

    /// <summary><paramref name="user"/> says <paramref name="text"/> in the test server; <c>@name</c> mentions like the console.</summary>
    public async Task<Reply> SayAsync(string user, string text) =>
        await Bot.HandleAsync(new ChatMessage($"m{++_messages}", Guild, new ChatUser(UserId.FromName(user), user), text, ConsoleMentions.Find(text)), default)
        ?? throw new InvalidOperationException($"No reply to {text}");

    public async Task<string> TextAsync(string user, string text) => (await SayAsync(user, text)).Text;

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
