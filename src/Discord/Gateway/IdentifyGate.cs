using EventBot.Discord.Rest;

namespace EventBot.Discord.Gateway;

/// <summary>
/// Identify spacing from the Gateway docs: no identify while <c>session_start_limit.remaining</c> is 0 (wait
/// <c>reset_after</c>), and one identify per 5 s per rate-limit key (<c>shard_id % max_concurrency</c>). A process runs
/// one shard, so its key never changes and max_concurrency cannot loosen the 5 s spacing for it.
/// </summary>
internal sealed class IdentifyGate(TimeProvider time)
{
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(5);

    private DateTimeOffset? _lastIdentify;

    public async Task WaitAsync(DiscordSessionStartLimit limit, Action<TimeSpan, string> onWait, CancellationToken ct)
    {
        if (limit.Remaining <= 0)
        {
            onWait(limit.ResetAfter, "session_start_limit.remaining is 0");
            await Task.Delay(limit.ResetAfter, time, ct);
        }

        if (_lastIdentify is { } last)
        {
            var wait = last + Spacing - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                onWait(wait, "one identify per 5 s");
                await Task.Delay(wait, time, ct);
            }
        }

        _lastIdentify = time.GetUtcNow();
    }
}
