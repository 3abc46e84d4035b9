using EventBot.Bot.Chat;

namespace EventBot.Bot.Tests.Scheduling;

public sealed class GuildLanesTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Another_lane_runs_while_one_is_blocked_and_each_lane_keeps_its_order()
    {
        using var lanes = new GuildLanes(maxParallel: 4);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();
        var otherDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await lanes.EnqueueAsync("a", async () => { await release.Task; Record("a1"); }, default);
        for (var i = 2; i <= 5; i++)
        {
            var name = $"a{i}";
            await lanes.EnqueueAsync("a", () => { Record(name); return Task.CompletedTask; }, default);
        }
        await lanes.EnqueueAsync("b", () => { Record("b1"); otherDone.SetResult(); return Task.CompletedTask; }, default);

        await otherDone.Task.WaitAsync(Generous);
        lock (order) Assert.Equal(["b1"], order);
        release.SetResult();
        await lanes.DrainAsync().WaitAsync(Generous);

        Assert.Equal(["b1", "a1", "a2", "a3", "a4", "a5"], order);
        Assert.Equal(0, lanes.Pending);

        void Record(string name)
        {
            lock (order) order.Add(name);
        }
    }

    [Fact]
    public async Task A_failing_item_does_not_stop_its_lane()
    {
        using var lanes = new GuildLanes(maxParallel: 1);
        var ran = false;

        await lanes.EnqueueAsync("a", () => throw new InvalidOperationException("boom"), default);
        await lanes.EnqueueAsync("a", () => { ran = true; return Task.CompletedTask; }, default);
        await lanes.DrainAsync().WaitAsync(Generous);

        Assert.True(ran);
    }

    [Fact]
    public async Task Enqueue_waits_when_the_lanes_are_full()
    {
        using var lanes = new GuildLanes(maxParallel: 1, capacity: 2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Both held: which of the two takes the one running slot first is up to the thread pool, so neither may finish
        // (and free its room) before the release.
        await lanes.EnqueueAsync("a", () => release.Task, default);
        await lanes.EnqueueAsync("b", () => release.Task, default);

        var third = lanes.EnqueueAsync("c", () => Task.CompletedTask, default);
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        release.SetResult();
        await third.WaitAsync(Generous);
        await lanes.DrainAsync().WaitAsync(Generous);
    }
}
