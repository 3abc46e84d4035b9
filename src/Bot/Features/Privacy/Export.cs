using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Domain.Privacy;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;

namespace EventBot.Bot.Features.Privacy;

/// <summary>What an export found. <paramref name="GuildId"/> is the one server it covers; null: every server.</summary>
public sealed record ExportResult(int Events, string Json, string? GuildId);

/// <summary>
/// A user's export (docs/privacy.md): every event in which they are the actor or a target (sparkle giver or receiver,
/// player), revealed, as a JSON array. From chat it covers the server the command came from, read category by category
/// from the guild index (a DynamoDB Query of <c>by_guild</c>, which the bot's role has); only the operator's
/// <c>privacy export --user</c> reads every event of every server (a Scan, with the operator's credentials).
/// </summary>
public sealed class PrivacyExport(IEventStore store, EventCodec codec)
{
    /// <summary>Every category of stream the bot writes: a new one must be added here, or its events are not exported.</summary>
    public static readonly IReadOnlyList<string> Categories = [RememberStream.Category, SparkleStream.Category, PlayStream.Category, PrivacyStream.Category];

    /// <summary>One server's events about the user, oldest first (by recorded time, then stream and version).</summary>
    public async Task<ExportResult> ForGuildAsync(string userId, string guildId, CancellationToken ct)
    {
        var found = new List<EventEnvelope>();
        foreach (var category in Categories)
            await foreach (var e in store.ReadGuildEventsAsync(guildId, category, ct))
                if (Concerns(e, userId)) found.Add(e);
        found.Sort((a, b) => (a.RecordedAt, a.StreamId, a.Version).CompareTo((b.RecordedAt, b.StreamId, b.Version)));
        return new ExportResult(found.Count, ToJson(found), guildId);
    }

    /// <summary>Every server's events about the user, in the store's order: reads every event (the operator's CLI).</summary>
    public async Task<ExportResult> EverywhereAsync(string userId, CancellationToken ct)
    {
        var found = new List<EventEnvelope>();
        await foreach (var e in store.ReadAllAsync(ct))
            if (Concerns(e, userId)) found.Add(e);
        return new ExportResult(found.Count, ToJson(found), null);
    }

    private bool Concerns(EventEnvelope e, string userId)
    {
        if (e.ActorId == userId) return true;
        if (StreamIds.Category(e.StreamId) is SparkleStream.Category or PlayStream.Category && StreamIds.Split(e.StreamId).Id == userId) return true;
        return codec.IsKnown(e.Type) && codec.Decode(e) is SparkleEvent.SparkleGiven given
            && (given.GiverId.ToString(CultureInfo.InvariantCulture) == userId || given.TargetId.ToString(CultureInfo.InvariantCulture) == userId);
    }

    private static string ToJson(IEnumerable<EventEnvelope> events)
    {
        var array = new JsonArray();
        foreach (var e in events)
        {
            array.Add(new JsonObject
            {
                ["stream"] = e.StreamId,
                ["version"] = e.Version,
                ["type"] = e.Type,
                ["recordedAt"] = e.RecordedAt,
                ["guildId"] = e.GuildId,
                ["actorId"] = e.ActorId,
                ["actorName"] = e.ActorName,
                ["data"] = JsonNode.Parse(e.Data),
            });
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
