using System.Text.Json;
using EventBot.Bot.Cli;
using EventBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventBot.Bot.Tests.Cli;

/// <summary>
/// The operator verbs end to end on a real SQLite data dir, invoked exactly as the command line would. They read the
/// process environment and write to the console, so they run in the serialized DynamoDB Local collection.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class OperatorVerbTests : IDisposable
{
    private readonly BotRunner _bot = new();

    private async Task<(int Exit, string Out)> RunVerbAsync(params string[] args)
    {
        var (exit, output, error) = await CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _bot.DataDir }, args);
        return (exit, output + error);
    }

    [Fact]
    public async Task History_replay_verify_and_status_work_on_a_real_data_dir()
    {
        await _bot.RunAsync(".remember lunch is pizza\n.remember wifi is hunter2\n.remember lunch is sushi\n", guild: "ops");

        var (historyExit, history) = await RunVerbAsync("history", "--guild", "ops", "--json");
        var (verifyExit, _) = await RunVerbAsync("replay", "--verify");
        var (replayExit, replay) = await RunVerbAsync("replay");
        var (statusExit, status) = await RunVerbAsync("projections", "status", "--json");
        var recall = await _bot.RunAsync(".remember lunch\n", guild: "ops");

        Assert.Equal(0, historyExit);
        using (JsonDocument.Parse(history)) { } // machine-readable: valid JSON
        Assert.Contains("sushi", history);
        Assert.Contains("hunter2", history);
        Assert.Equal(0, verifyExit);
        Assert.True(replayExit == 0, replay);
        Assert.Equal(0, statusExit);
        using (JsonDocument.Parse(status)) { }
        Assert.Equal("`lunch` is sushi\n", recall);
    }

    [Fact]
    public async Task Verify_reports_drift_after_a_read_model_row_is_tampered_with()
    {
        await _bot.RunAsync(".remember k is v\n", guild: "ops");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var database = new EventStore.Sqlite.SqliteDatabase(Path.Combine(_bot.DataDir, "eventbot.db"));
        database.Execute("UPDATE views SET body = replace(body, '\"v\"', '\"tampered\"') WHERE partition LIKE 'remember-values#%'");

        var (exit, _) = await RunVerbAsync("replay", "--verify");

        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task A_second_rebuild_says_who_holds_the_lease_and_exits_non_zero()
    {
        await _bot.RunAsync(".remember lunch is pizza\n", guild: "ops");
        using var other = EventBot.Bot.Hosting.BotHost.CreateBuilder(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _bot.DataDir }).Build();
        var lease = new EventBot.Projections.Leases.RebuildLease(
            other.Services.GetRequiredService<EventBot.Projections.Core.IViewStore>(), TimeProvider.System)
        { Host = "ops-box", Pid = 4242 };
        var held = Assert.IsType<EventBot.Projections.Leases.LeaseAttempt.Acquired>(await lease.TryAcquireAsync("replay", default));

        var (replayExit, replay) = await RunVerbAsync("replay");
        var (verifyExit, _) = await RunVerbAsync("replay", "--verify");
        var (retryExit, retry) = await RunVerbAsync("projections", "retry", "--all");
        await held.Lease.DisposeAsync();
        var (afterExit, after) = await RunVerbAsync("replay", "--verify");

        Assert.Equal(RebuildLeaseScope.BusyExitCode, replayExit);
        Assert.Contains("a rebuild is already running: `replay` on ops-box (pid 4242) since ", replay);
        Assert.Equal(RebuildLeaseScope.BusyExitCode, verifyExit);
        Assert.Equal(RebuildLeaseScope.BusyExitCode, retryExit);
        Assert.Contains("a rebuild is already running", retry);
        Assert.True(afterExit == 0, after);
    }

    public void Dispose() => _bot.Dispose();
}
