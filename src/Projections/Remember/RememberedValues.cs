using EventBot.Domain.Common;
using EventBot.EventStore;
using EventBot.Projections.Core;
using static EventBot.Domain.Remember.RememberEvent;

namespace EventBot.Projections.Remember;

/// <summary>The current value of one key. Forgotten keys stay as rows (not live) so their applied version is kept.</summary>
public sealed record RememberedValue(string Key, string? Value, bool Live, long Version, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>The part of a <see cref="RememberedValue"/> row that a key listing needs (the other properties are skipped when read).</summary>
public sealed record RememberedKey(string Key, bool Live);

/// <summary>
/// Current remembered values per server: one partition per guild, one row per normalised key. Recall reads a row;
/// search reads the guild's partition (a Query, never a scan).
/// </summary>
public sealed class RememberedValues : Projection<RememberedValue>
{
    public const string ProjectionName = "remember-values";

    public RememberedValues()
        : base(RememberJson.Default.RememberedValue)
    {
        On<ValueRemembered>((_, env, e) => new RememberedValue(e.Key, e.Value, true, env.Version, env.RecordedAt, env.ActorName));
        On<ValueRestored>((_, env, e) => new RememberedValue(e.Key, e.Value, true, env.Version, env.RecordedAt, env.ActorName));
        On<ValueForgotten>((_, env, e) => new RememberedValue(e.Key, null, false, env.Version, env.RecordedAt, env.ActorName));
    }

    public override string Name => ProjectionName;

    // Encoded like the stream id: DynamoDB sort keys hold at most 1,024 bytes, and 64 visible characters can be more.
    public static ViewKey RowFor(string guildId, string normalizedKey) => new(guildId, StreamIds.EncodeId(normalizedKey));

    /// <summary>A row's key as written and whether it is live, without reading its value or dates (a key listing).</summary>
    public static RememberedKey? ReadKey(string body) => System.Text.Json.JsonSerializer.Deserialize(body, RememberJson.Default.RememberedKey);

    public override IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event) =>
        [RowFor(envelope.GuildId, TextRules.Fold(((Domain.Remember.RememberEvent)@event).Key))];
}

/// <summary>The remembered-value document's JSON metadata, generated (the codec's web defaults).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(RememberedValue))]
[System.Text.Json.Serialization.JsonSerializable(typeof(RememberedKey))]
internal sealed partial class RememberJson : System.Text.Json.Serialization.JsonSerializerContext;
