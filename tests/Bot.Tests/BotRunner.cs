using System.Text;
using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bot.Tests;

/// <summary>Runs the real bot host (real SQLite in a temp data dir) with piped console input, like `echo … | eventbot`.</summary>
public sealed class BotRunner : IDisposable
{
    public BotRunner() => DataDir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));

    public string DataDir { get; }

    public async Task<string> RunAsync(string input, string user = "alice", string guild = "console", IDictionary<string, string?>? extra = null) =>
        await RunBytesAsync(Encoding.UTF8.GetBytes(input), user, guild, extra);

    public async Task<string> RunBytesAsync(byte[] input, string user = "alice", string guild = "console", IDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["EVENTBOT_DATA_DIR"] = DataDir,
            ["EVENTBOT_CONSOLE_USER"] = user,
            ["EVENTBOT_CONSOLE_GUILD"] = guild,
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) environment[k] = v;
        var output = new StringWriter();
        var builder = BotHost.CreateBuilder(environment);
        builder.Services.AddConsoleChat(new ConsoleStreams(new MemoryStream(input), output, TextWriter.Null, interactive: false));
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.RunAsync(timeout.Token);
        Assert.False(timeout.IsCancellationRequested, "the bot did not stop at end of input");
        return output.ToString().ReplaceLineEndings("\n");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
