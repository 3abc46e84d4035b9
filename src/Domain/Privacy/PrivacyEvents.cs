using EventBot.Domain.Common;

namespace EventBot.Domain.Privacy;

/// <summary>
/// The record of erasures (docs/privacy.md): what was erased and by whom, never the erased data. One log stream per
/// server, <c>privacy/{guild}/log</c>. Stored contracts: add fields as optional, never rename.
/// </summary>
public abstract record PrivacyEvent
{
    private PrivacyEvent() { }

    /// <summary>A user's keys in this server were destroyed. <paramref name="Erasure"/> is a random id shared by the servers of one request.</summary>
    /// <param name="By"><c>self</c> (forget-me) or <c>operator</c> (the CLI).</param>
    [EventType("UserForgotten")]
    public sealed record UserForgotten(string Erasure, int Keys, string By) : PrivacyEvent;

    /// <summary>Every key of this server was destroyed.</summary>
    /// <param name="Reason"><c>operator</c> (the CLI) or <c>removed</c> (the retention after the bot was removed ran out).</param>
    [EventType("GuildPurged")]
    public sealed record GuildPurged(int Keys, string Reason) : PrivacyEvent;

    /// <summary>
    /// The one sanctioned rewrite of the events table (docs/privacy.md): <paramref name="Events"/> events stored before
    /// encryption had the plaintext of an erasure replaced in place, <paramref name="Streams"/> legacy user streams
    /// (named with a raw user id) were moved to a pseudonymous name. What and how many, never the data.
    /// </summary>
    /// <param name="Scope"><c>user</c> (forget-me), <c>value</c> (redact) or <c>guild</c> (purge).</param>
    [EventType("LegacyEventsRewritten")]
    public sealed record LegacyEventsRewritten(string Scope, int Events, int Streams) : PrivacyEvent;

    /// <summary>The bot was removed from this server: it is purged at <paramref name="DueAt"/> unless the bot comes back.</summary>
    [EventType("GuildPurgeScheduled")]
    public sealed record GuildPurgeScheduled(DateTimeOffset DueAt) : PrivacyEvent;

    /// <summary>The bot was added back before the purge was due.</summary>
    [EventType("GuildPurgeCancelled")]
    public sealed record GuildPurgeCancelled(DateTimeOffset At) : PrivacyEvent;
}

public static class PrivacyStream
{
    public const string Category = "privacy";

    public static string For(GuildId guild) => StreamIds.For(Category, guild, "log");
}
