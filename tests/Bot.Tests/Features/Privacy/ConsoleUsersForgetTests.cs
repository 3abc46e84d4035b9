using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Tests.Cli;
using EventBot.Domain.Common;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Tests.Features.Privacy;

/// <summary>
/// A console user's name is a line of <c>console-users.txt</c> in the data directory (docs/privacy.md): forget-me,
/// typed or by the operator's <c>privacy forget</c>, removes that line and no other.
/// </summary>
[Collection(EventBot.Testing.DynamoDbLocalFixture.Collection)]
public sealed class ConsoleUsersForgetTests : IAsyncLifetime
{
    private BotHarness _h = null!;

    public async Task InitializeAsync() =>
        _h = await BotHarness.StartAsync(configure: services => services.AddSingleton(sp => new Rebuilder(sp.GetRequiredService<IEventReader>(),
            sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ProjectionSignals>(), sp.GetRequiredService<ILoggerFactory>())
        { FlipSettle = TimeSpan.Zero }));

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private string UsersFile => Path.Combine(_h.DataDir, ConsoleUsers.FileName);

    // As the console adapter does at every start, once per user who ran the bot here.
    private async Task JoinAsync(params string[] names)
    {
        foreach (var name in names) await ConsoleUsers.JoinAsync(_h.DataDir, name, default);
    }

    [Fact]
    public async Task Forget_me_removes_the_users_line_and_keeps_everyone_elses()
    {
        await JoinAsync("alice", "Zeb Quill", "carol");
        await _h.SayAsync(".remember wifi is hunter2", user: "Zeb Quill");

        await _h.SayAsync(".privacy forget-me", user: "Zeb Quill");
        Assert.StartsWith("You are forgotten", await _h.SayAsync(".privacy forget-me confirm", user: "Zeb Quill"));

        Assert.Equal(["alice", "carol"], await File.ReadAllLinesAsync(UsersFile));
    }

    [Fact]
    public async Task The_operators_privacy_forget_removes_the_line_too()
    {
        await JoinAsync("alice", "zeb");
        await _h.SayAsync(".remember wifi is hunter2", user: "zeb");

        var (exit, _, error) = await CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _h.DataDir }, "privacy", "forget", "--user", "zeb");

        Assert.True(exit == 0, error);
        Assert.Equal(["alice"], await File.ReadAllLinesAsync(UsersFile));
    }

    [Fact]
    public async Task A_name_matches_as_the_console_maps_it_to_an_id_and_a_missing_file_or_name_changes_nothing()
    {
        Assert.False(await ConsoleUsers.ForgetAsync(_h.DataDir, UserId.FromName("zeb"), default));
        await File.WriteAllTextAsync(UsersFile, "alice\n  ZEB \n\nbob\n");

        Assert.False(await ConsoleUsers.ForgetAsync(_h.DataDir, UserId.FromName("carol"), default));
        Assert.True(await ConsoleUsers.ForgetAsync(_h.DataDir, UserId.FromName("zeb"), default));

        Assert.Equal(["alice", "bob"], await File.ReadAllLinesAsync(UsersFile));
        Assert.False(File.Exists(UsersFile + ".tmp"));
    }
}
