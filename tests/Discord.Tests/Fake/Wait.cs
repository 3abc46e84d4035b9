namespace EventBot.Discord.Tests.Fake;

/// <summary>Polls a condition: tests wait for what the fake observed instead of sleeping a guessed time.</summary>
public static class Wait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

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
