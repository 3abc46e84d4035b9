namespace EventBot.Discord.Tests.Fake;

/// <summary>Polls a condition: tests wait for what the fake observed instead of sleeping a guessed time.</summary>
public static class Wait
{
    /// <summary>
    /// How long a test waits for something that must happen. A liveness bound, not a speed claim, so it is generous:
    /// 10 s was once too short for TokenSecrecyTests on a clean clone while the machine was busy (see ./test.sh --stress).
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what ?? "condition"}.");
            await Task.Delay(5);
        }
    }
}
