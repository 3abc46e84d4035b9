namespace EventBot.Domain.Privacy;

/// <summary>
/// The retention after the bot is removed from a server (docs/privacy.md), as a pure decider over the server's
/// privacy log: removed → <see cref="PrivacyEvent.GuildPurgeScheduled"/> once; back before it is due →
/// <see cref="PrivacyEvent.GuildPurgeCancelled"/>; a purge ends the schedule. The state is when the purge is due (null:
/// none pending). The bot decides with it and the <c>guild-purges</c> read model folds with the same
/// <see cref="Evolve"/>, so the index and the log agree.
/// </summary>
public static class GuildPurgeDecider
{
    /// <summary>The pending purge after one more event of the log.</summary>
    public static DateTimeOffset? Evolve(DateTimeOffset? pending, PrivacyEvent e) => e switch
    {
        PrivacyEvent.GuildPurgeScheduled scheduled => scheduled.DueAt,
        PrivacyEvent.GuildPurgeCancelled or PrivacyEvent.GuildPurged => null,
        _ => pending,
    };

    /// <summary>When the server's purge is due, or null when none is pending.</summary>
    public static DateTimeOffset? Pending(IEnumerable<PrivacyEvent> log) => log.Aggregate((DateTimeOffset?)null, Evolve);

    /// <summary>The bot was removed: schedule unless a purge is already pending (the same GUILD_DELETE twice schedules once).</summary>
    public static PrivacyEvent? Removed(DateTimeOffset? pending, DateTimeOffset now, int retentionDays) =>
        pending is null ? new PrivacyEvent.GuildPurgeScheduled(now.AddDays(retentionDays)) : null;

    /// <summary>The bot is in the server (GUILD_CREATE): cancel a pending purge, else nothing.</summary>
    public static PrivacyEvent? Available(DateTimeOffset? pending, DateTimeOffset now) =>
        pending is null ? null : new PrivacyEvent.GuildPurgeCancelled(now);

    public static bool IsDue(DateTimeOffset? pending, DateTimeOffset now) => pending is { } due && due <= now;
}
