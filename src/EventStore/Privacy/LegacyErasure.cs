using System.Globalization;
using System.Text.Json.Nodes;
using EventBot.Domain.Common;

namespace EventBot.EventStore.Privacy;

/// <summary>
/// What one erasure means for an event stored before encryption (plaintext): the same fields <see cref="EventPrivacy"/>
/// encrypts, replaced by what a reader shows once their key is gone, so a rewritten legacy event reads exactly like a
/// crypto-erased new one (docs/privacy.md). Pure: <see cref="Rewrite"/> returns the replacement, or null when the event
/// holds nothing this erasure covers in plaintext (new events, already rewritten ones, other users' events).
/// </summary>
public sealed class LegacyErasure
{
    private readonly Func<string, string, bool> _erasesUser;
    private readonly Func<string, string, long, bool> _erasesValue;
    private readonly Func<string, string, string> _pseudonym;

    private LegacyErasure(string kind, Func<string, string, bool> erasesUser, Func<string, string, long, bool> erasesValue, Func<string, string, string> pseudonym)
    {
        Kind = kind;
        _erasesUser = erasesUser;
        _erasesValue = erasesValue;
        _pseudonym = pseudonym;
    }

    /// <summary><c>user</c>, <c>value</c> or <c>guild</c>: what the log event says was rewritten.</summary>
    public string Kind { get; }

    /// <summary>A forgotten user in every server; <paramref name="pseudonym"/> gives their pseudonym (<c>~k…</c>) in a guild.</summary>
    public static LegacyErasure ForUser(string userId, Func<string, string> pseudonym) =>
        new("user", (_, id) => id == userId, (_, _, _) => false, (guild, _) => pseudonym(guild));

    /// <summary>A redacted value version: the value it set, and the previous value of the event after it.</summary>
    public static LegacyErasure ForValue(string guildId, string stream, long version) =>
        new("value", (_, _) => false, (g, s, v) => g == guildId && s == stream && v == version, (_, _) => throw new InvalidOperationException());

    /// <summary>A purged guild: every user and every value of it; <paramref name="pseudonym"/> gives a user's pseudonym there.</summary>
    public static LegacyErasure ForGuild(string guildId, Func<string, string> pseudonym) =>
        new("guild", (g, _) => g == guildId, (g, _, _) => g == guildId, (_, id) => pseudonym(id));

    public bool ErasesUser(string guildId, string userId) => _erasesUser(guildId, userId);

    public string PseudonymOf(string guildId, string userId) => _pseudonym(guildId, userId);

    /// <summary>The erased user a legacy user stream (<c>sparkle/{guild}/{user id}</c>, <c>play/…</c>) is named after, if any.</summary>
    public bool IsErasedUserStream(string streamId, out string guildId, out string userId)
    {
        guildId = userId = "";
        if (!EventPrivacy.UserStreamCategories.Contains(StreamIds.Category(streamId))) return false;
        (_, guildId, userId) = StreamIds.Split(streamId);
        return !Erased.IsPseudonym(userId) && ErasesUser(guildId, userId);
    }

    /// <summary>
    /// The event with this erasure's plaintext replaced (stream name left as it is: the caller decides the move), or
    /// null when there is nothing to replace.
    /// </summary>
    public EventEnvelope? Rewrite(EventEnvelope stored)
    {
        var guild = stored.GuildId;
        var actorId = stored.ActorId;
        var actorName = stored.ActorName;
        if (!Erased.IsPseudonym(actorId) && ErasesUser(guild, actorId))
        {
            actorId = PseudonymOf(guild, actorId);
            if (!FieldCipher.IsCiphertext(actorName)) actorName = Erased.User;
        }
        var data = stored.Data;
        if (EventPrivacy.Rules.TryGetValue(stored.Type, out var rules) && JsonNode.Parse(stored.Data) is JsonObject original)
        {
            var json = (JsonObject)original.DeepClone();
            var changed = false;
            foreach (var rule in rules)
            {
                if (original[rule.Name] is not JsonValue value) continue;
                string? replacement = null;
                switch (rule.Kind)
                {
                    case EventPrivacy.FieldKind.UserId:
                        if (IdText(value) is { } id && !Erased.IsPseudonym(id) && ErasesUser(guild, id)) replacement = PseudonymOf(guild, id);
                        break;
                    case EventPrivacy.FieldKind.UserName or EventPrivacy.FieldKind.UserText:
                        var subject = rule.Subject is null ? stored.ActorId : original[rule.Subject] is JsonValue s ? IdText(s) : stored.ActorId;
                        if (subject is not null && !Erased.IsPseudonym(subject) && ErasesUser(guild, subject) && IsPlaintext(value))
                            replacement = rule.Kind == EventPrivacy.FieldKind.UserName ? Erased.User : Erased.Text;
                        break;
                    case EventPrivacy.FieldKind.Value or EventPrivacy.FieldKind.PreviousValue:
                        var setAt = rule.Kind == EventPrivacy.FieldKind.Value ? stored.Version : stored.Version - 1;
                        if (_erasesValue(guild, stored.StreamId, setAt) && IsPlaintext(value)) replacement = Erased.Value;
                        break;
                }
                if (replacement is null || (value.TryGetValue<string>(out var current) && current == replacement)) continue;
                json[rule.Name] = replacement;
                changed = true;
            }
            if (changed) data = json.ToJsonString(EventCodec.Json);
        }
        if (ReferenceEquals(data, stored.Data) && actorId == stored.ActorId && actorName == stored.ActorName) return null;
        return stored with { Data = data, ActorId = actorId, ActorName = actorName, Position = 0 };
    }

    /// <summary>A plaintext field: a string that is not ciphertext (a null is nothing to erase).</summary>
    private static bool IsPlaintext(JsonValue value) => value.TryGetValue<string>(out var text) && !FieldCipher.IsCiphertext(text);

    private static string? IdText(JsonValue value) =>
        value.TryGetValue<ulong>(out var number) ? number.ToString(CultureInfo.InvariantCulture)
        : value.TryGetValue<string>(out var text) ? text
        : null;
}
