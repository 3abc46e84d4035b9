using EventBot.Bot.Chat;
using EventBot.Bot.Features.Remember;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using EventBot.Projections.Feeds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Bot.Tests.Consistency;

/// <summary>
/// Read-your-writes at the read (issue 19): a write replies once appended, without waiting for the projector; the
/// guild's next read, by anyone, waits until the projector has applied it, bounded by EVENTBOT_READ_YOUR_WRITES_MS.
/// The host is built but not started, so the SQLite tail projects only when the test says so.
/// </summary>
public sealed class ReadYourWritesAtTheReadTests : IDisposable
{
    private static readonly GuildId Other = GuildId.FromName("another-server");
    private readonly string _dir = GamesHost.NewDataDir();
    private readonly FakeTimeProvider _time = new(GamesHost.Start);
    private readonly IHost _host;
    private readonly ChatBot _bot;
    private int _messages;

    public ReadYourWritesAtTheReadTests()
    {
        _host = GamesHost.Builder(_dir, _time, new ScriptedRandom(), new Dictionary<string, string?> { ["EVENTBOT_READ_YOUR_WRITES_MS"] = "5000" }).Build();
        _bot = _host.Services.GetRequiredService<ChatBot>();
    }

    private Task<Reply?> SayAsync(string user, string text, GuildId? guild = null) =>
        _bot.HandleAsync(new ChatMessage($"m{++_messages}", guild ?? GamesHost.Guild, new ChatUser(UserId.FromName(user), user), text, []), default);

    private Task CatchUpAsync() => _host.Services.GetRequiredService<SqliteTail>().CatchUpAsync(default);

    [Fact]
    public async Task A_write_replies_before_the_projector_has_applied_it()
    {
        var reply = await SayAsync("alice", ".remember wifi is hunter2");

        Assert.Equal("Remembered `wifi`: hunter2", reply!.Text);
        Assert.Equal(1, _host.Services.GetRequiredService<PendingWrites>().Count(GamesHost.Guild.ToString()));
    }

    [Fact]
    public async Task A_read_by_another_user_of_the_same_server_waits_for_the_write_and_then_shows_it()
    {
        await SayAsync("alice", ".remember wifi is hunter2");

        var read = SayAsync("bob", ".remember wifi");
        await Task.Delay(200);
        Assert.False(read.IsCompleted, "the read answered before the projector applied the write");
        await CatchUpAsync();

        Assert.Equal("`wifi` is hunter2", (await read.WaitAsync(TimeSpan.FromSeconds(60)))!.Text);
        Assert.Equal(0, _host.Services.GetRequiredService<PendingWrites>().Count(GamesHost.Guild.ToString()));
        // Once applied, reads no longer wait.
        Assert.Equal("`wifi` is hunter2", (await SayAsync("carol", ".remember wifi"))!.Text);
    }

    [Fact]
    public async Task The_wait_is_bounded_and_then_the_read_says_the_read_model_is_catching_up()
    {
        await SayAsync("alice", ".remember wifi is hunter2");
        var started = _time.GetUtcNow();

        var read = SayAsync("bob", ".remember wifi");
        for (var i = 0; i < 600 && !read.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(5);
        }

        Assert.True(read.IsCompleted, "the read kept waiting past its bound");
        Assert.Equal($"Nothing remembered for `wifi`\n{ReadYourWritesBehaviour<Recall.Query, Reply>.CatchingUp}", (await read)!.Text);
        Assert.InRange(_time.GetUtcNow() - started, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task Reads_of_another_server_do_not_wait_for_this_ones_writes()
    {
        await SayAsync("alice", ".remember wifi is hunter2");

        var reply = await SayAsync("bob", ".remember wifi", Other).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("Nothing remembered for `wifi`", reply!.Text);
    }

    public void Dispose()
    {
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
