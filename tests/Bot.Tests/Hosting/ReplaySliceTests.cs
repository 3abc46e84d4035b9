using EventBot.Domain.Remember;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Feeds;
using EventBot.Projections.Remember;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using EventBot.Projections.Replay;

namespace EventBot.Bot.Tests.Hosting;

public sealed class ReplaySliceTests : IAsyncLifetime
{
    private BotHarness _h = null!;

    public async Task InitializeAsync() => _h = await BotHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private T Get<T>() where T : notnull => _h.Host.Services.GetRequiredService<T>();

    [Fact]
    public async Task The_bot_answers_from_the_old_generation_during_a_rebuild_and_from_the_new_one_after_the_flip()
    {
        for (var i = 0; i < 300; i++) await _h.SayAsync($".remember k{i} is v{i}");
        await _h.SayAsync(".remember meeting is fresh");
        Assert.Equal("`meeting` is fresh", await _h.SayAsync(".remember meeting")); // the read waits for the write (read-your-writes)
        // Mark the live (old) generation so the answers show which generation served them.
        var views = Get<IViewStore>();
        var key = new ViewKey(Generations.PhysicalPartition(RememberedValues.ProjectionName, 1, BotHarness.Guild.ToString()), RememberedValues.RowFor(BotHarness.Guild.ToString(), "meeting").Sort);
        var row = (await views.GetAsync(key, default))!;
        Assert.True(await views.TryWriteAsync(row with { Body = row.Body.Replace("fresh", "stale", StringComparison.Ordinal), Revision = row.Revision + 1 }, row.Revision, default));
        Assert.Equal("`meeting` is stale", await _h.SayAsync(".remember meeting"));
        var during = new List<string?>();
        var rebuilder = new Rebuilder(Get<IEventReader>(), views, Get<EventCodec>(), Get<Generations>(), Get<ProjectionSignals>(), Get<ILoggerFactory>())
        {
            BatchSize = 100,
            FlipSettle = TimeSpan.Zero,
            AfterBatch = _ => during.Add(_h.SayAsync(".remember meeting").GetAwaiter().GetResult()),
        };

        var result = await rebuilder.RunAsync([.. _h.Host.Services.GetServices<IProjection>()], null, default);

        Assert.Equal(301, result.Events);
        Assert.Equal(4, during.Count);
        Assert.All(during, reply => Assert.Equal("`meeting` is stale", reply));
        Assert.Equal("`meeting` is fresh", await _h.SayAsync(".remember meeting"));
        Assert.Equal("`k7` is v7", await _h.SayAsync(".remember k7"));
        Assert.Equal("Remembered `after`: the flip", await _h.SayAsync(".remember after is the flip")); // the live feed writes the new generation
        Assert.Equal("`after` is the flip", await _h.SayAsync(".remember after"));
    }

    /// <summary>
    /// ValueRemembered is still schema v1, so this is the honest end-to-end half of the upcasting proof: a row in the
    /// shape an earlier build stored (hand-written JSON, optional field absent) is projected and displayed by the
    /// current code. The v1 → v2 upcaster path is proven with a test-only type in Projections.Tests (UpcastingTests).
    /// </summary>
    [Fact]
    public async Task A_stored_schema_v1_row_written_by_hand_is_projected_and_displayed()
    {
        var key = MemoryKey.Parse("Old Key");
        await Get<IEventStore>().AppendAsync(new StreamName(RememberStream.For(BotHarness.Guild, key)), 0,
            [new EventData("ValueRemembered", 1, """{"key":"Old Key","value":"from the first release"}""")],
            new AppendContext(BotHarness.Guild.ToString(), "1", "ancient", "raw:1"), default);
        await Get<SqliteTail>().CatchUpAsync(default);

        Assert.Equal("`Old Key` is from the first release", await _h.SayAsync(".remember old key"));
        Assert.Contains("v1 · 2026-11-27 09:30 UTC · ancient · set to “from the first release”", await _h.SayAsync(".remember history old key"), StringComparison.Ordinal);
    }
}
