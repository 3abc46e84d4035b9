namespace EventBot.Bot.Hosting;

/// <summary>How the bot ended: 0, or 2 with the reason when an adapter hit a fatal, non-retryable error.</summary>
public sealed class BotExit
{
    public int Code { get; private set; }

    public string? Reason { get; private set; }

    public void Fail(string reason)
    {
        Code = 2;
        Reason = reason;
    }
}
