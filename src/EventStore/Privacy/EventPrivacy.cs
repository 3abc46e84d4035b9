using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Nodes;
using EventBot.Domain.Common;

namespace EventBot.EventStore.Privacy;

/// <summary>
/// Protects events at append and reveals them at read (docs/privacy.md): user ids in stream names and the actor id
/// become pseudonyms, personal fields of the data and the actor's name become <see cref="FieldCipher"/> ciphertext.
/// Reveal is the inverse while the keys exist and the erased markers after; plaintext (events stored before this) passes
/// through as it is.
/// </summary>
public sealed class EventPrivacy(KeyRing keys)
{
    /// <summary>What a field holds, which decides its key and what it reads as once erased.</summary>
    public enum FieldKind { UserId, UserName, UserText, Value, PreviousValue }

    /// <param name="Subject">For user fields: the JSON property holding the user id whose key protects it (null: the actor).</param>
    public sealed record FieldRule(string Name, FieldKind Kind, string? Subject = null);

    /// <summary>Categories whose stream id part is a user id (replaced by the user's pseudonym).</summary>
    public static readonly FrozenSet<string> UserStreamCategories = FrozenSet.ToFrozenSet(["sparkle", "play"], StringComparer.Ordinal);

    /// <summary>The personal fields of each event type's data. A new event type with personal fields adds its rules here.</summary>
    public static readonly FrozenDictionary<string, FieldRule[]> Rules = new Dictionary<string, FieldRule[]>(StringComparer.Ordinal)
    {
        ["SparkleGiven"] =
        [
            new("giverName", FieldKind.UserName, "giverId"),
            new("reason", FieldKind.UserText, "giverId"),
            new("targetName", FieldKind.UserName, "targetId"),
            // Ids last: the names and reason above find their key by the plaintext id.
            new("giverId", FieldKind.UserId, "giverId"),
            new("targetId", FieldKind.UserId, "targetId"),
        ],
        ["ValueRemembered"] = [new("value", FieldKind.Value), new("previousValue", FieldKind.PreviousValue)],
        ["ValueRestored"] = [new("value", FieldKind.Value), new("previousValue", FieldKind.PreviousValue)],
        ["ValueForgotten"] = [new("previousValue", FieldKind.PreviousValue)],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public const string ActorNameField = "actor_name";

    public KeyRing Keys => keys;

    /// <summary>
    /// The stored name of a logical stream: a user stream's id part becomes the user's pseudonym. Null when
    /// <paramref name="create"/> is false and the user has no key (so the stream cannot exist yet).
    /// </summary>
    public async Task<string?> StoredStreamAsync(string logical, bool create, CancellationToken ct)
    {
        var category = StreamIds.Category(logical);
        if (!UserStreamCategories.Contains(category)) return logical;
        var (_, guild, id) = StreamIds.Split(logical);
        if (Erased.IsPseudonym(id)) return logical;
        var key = await keys.UserKeyAsync(guild, id, create, ct);
        return key is null ? null : $"{category}/{guild}/{Erased.PseudonymMark}{key.KeyId}";
    }

    /// <summary>
    /// The stored form of an append: pseudonymous stream and actor, encrypted fields. With <paramref name="newKeys"/>,
    /// the keys of the versions this append creates are made here and added to it, not stored: the caller stores them in
    /// the append's own transaction (<see cref="KeyRing.NewValueKeyAsync"/>); without it they are stored first.
    /// </summary>
    public async Task<(StreamName Stream, IReadOnlyList<EventData> Events, AppendContext Context)> ProtectAsync(
        StreamName logical, long expectedVersion, IReadOnlyList<EventData> events, AppendContext context, CancellationToken ct,
        List<PendingKey>? newKeys = null)
    {
        var stream = new StreamName((await StoredStreamAsync(logical.Value, create: true, ct))!);
        var actor = (await keys.UserKeyAsync(context.GuildId, context.ActorId, create: true, ct))!;
        var protectedContext = context with
        {
            ActorId = Erased.PseudonymMark + actor.KeyId,
            ActorName = FieldCipher.Encrypt(actor.KeyId, actor.Bytes, context.ActorName, ActorAad(stream.Value, context.Source)),
        };
        var stored = new List<EventData>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (!Rules.TryGetValue(e.Type, out var rules) || JsonNode.Parse(e.Data) is not JsonObject data)
            {
                stored.Add(e);
                continue;
            }
            var version = expectedVersion + i + 1;
            foreach (var rule in rules)
            {
                if (data[rule.Name] is not JsonValue value) continue;
                var aad = FieldAad(stream.Value, version, rule.Name);
                switch (rule.Kind)
                {
                    case FieldKind.UserId:
                        var userKey = (await keys.UserKeyAsync(context.GuildId, IdText(value), create: true, ct))!;
                        data[rule.Name] = Erased.PseudonymMark + userKey.KeyId;
                        break;
                    case FieldKind.UserName or FieldKind.UserText:
                        var subject = rule.Subject is null ? context.ActorId : data[rule.Subject] is JsonValue s ? IdText(s) : context.ActorId;
                        var key = (await keys.UserKeyAsync(context.GuildId, subject, create: true, ct))!;
                        data[rule.Name] = FieldCipher.Encrypt(key.KeyId, key.Bytes, value.ToString(), aad);
                        break;
                    case FieldKind.Value or FieldKind.PreviousValue:
                        var at = rule.Kind == FieldKind.Value ? version : version - 1;
                        var valueKey = newKeys is not null && at > expectedVersion
                            ? await NewKeyAsync(newKeys, context.GuildId, stream.Value, at, ct)
                            : (await keys.ValueKeyAsync(context.GuildId, stream.Value, at, create: true, ct))!;
                        data[rule.Name] = FieldCipher.Encrypt(valueKey.KeyId, valueKey.Bytes, value.ToString(), aad);
                        break;
                }
            }
            stored.Add(e with { Data = data.ToJsonString(EventCodec.Json) });
        }
        return (stream, stored, protectedContext);
    }

    private async Task<DataKey> NewKeyAsync(List<PendingKey> newKeys, string guildId, string stream, long version, CancellationToken ct)
    {
        var lookup = await keys.LookupOfAsync(KeyRing.ValueLookupText(guildId, stream, version), ct);
        if (newKeys.Find(k => k.Record.Lookup == lookup) is { } made) return made.Key;
        var key = await keys.NewValueKeyAsync(guildId, stream, version, ct);
        newKeys.Add(key);
        return key.Key;
    }

    /// <summary>
    /// A user stream's unfold (its state beside the stream) sealed under the owner's key, so it is as unreadable as the
    /// owner's fields once they are forgotten. Unfolds of other streams hold no personal data and stay as they are.
    /// </summary>
    public async Task<UnfoldData> ProtectUnfoldAsync(string storedStream, UnfoldData unfold, CancellationToken ct)
    {
        if (!UserStreamCategories.Contains(StreamIds.Category(storedStream))) return unfold;
        var (_, _, id) = StreamIds.Split(storedStream);
        var key = Erased.IsPseudonym(id) ? await keys.KeyAsync(id[1..], ct) : null;
        if (key is null) throw new InvalidOperationException("A user stream's unfold is written only while its owner's key exists.");
        return unfold with { Data = FieldCipher.Encrypt(id[1..], key, unfold.Data, UnfoldAad(storedStream, unfold.Type)) };
    }

    /// <summary>The unfold in plaintext, or null when its key is gone (the reader folds the events instead).</summary>
    public async Task<StreamUnfold?> RevealUnfoldAsync(string storedStream, StreamUnfold unfold, CancellationToken ct)
    {
        if (!FieldCipher.IsCiphertext(unfold.Data)) return unfold;
        return await DecryptAsync(unfold.Data, UnfoldAad(storedStream, unfold.Type), ct) is { } data ? unfold with { Data = data } : null;
    }

    public static string UnfoldAad(string storedStream, string type) => $"{storedStream}|unfold|{type}";

    public async Task<IReadOnlyList<EventEnvelope>> RevealAsync(IReadOnlyList<EventEnvelope> envelopes, CancellationToken ct)
    {
        var revealed = new EventEnvelope[envelopes.Count];
        for (var i = 0; i < envelopes.Count; i++) revealed[i] = await RevealAsync(envelopes[i], ct);
        return revealed;
    }

    /// <summary>
    /// True when <paramref name="stored"/> reads as it is stored: no pseudonym in its stream or actor, no ciphertext in
    /// its actor's name or data (events from before the privacy layer, and every event without personal fields). A
    /// synchronous test, so <see cref="RevealAsync(EventEnvelope, CancellationToken)"/> of such events (a page, a whole
    /// history) completes at once: no key lookups, no task per event.
    /// </summary>
    public static bool IsPlain(EventEnvelope stored)
    {
        if (Erased.IsPseudonym(stored.ActorId) || FieldCipher.IsCiphertext(stored.ActorName)) return false;
        if (Rules.ContainsKey(stored.Type) && NeedsReveal(stored.Data)) return false;
        if (!UserStreamCategories.Contains(StreamIds.Category(stored.StreamId))) return true;
        var (_, _, id) = StreamIds.Split(stored.StreamId);
        return !Erased.IsPseudonym(id);
    }

    /// <summary>The logical envelope: plaintext while the keys exist, the erased markers after.</summary>
    public ValueTask<EventEnvelope> RevealAsync(EventEnvelope stored, CancellationToken ct) =>
        IsPlain(stored) ? ValueTask.FromResult(stored) : new(RevealStoredAsync(stored, ct));

    private async Task<EventEnvelope> RevealStoredAsync(EventEnvelope stored, CancellationToken ct)
    {
        var streamId = await LogicalStreamAsync(stored.StreamId, ct);
        var actorId = Erased.IsPseudonym(stored.ActorId) ? await keys.SubjectOfAsync(stored.ActorId[1..], ct) ?? stored.ActorId : stored.ActorId;
        var actorName = FieldCipher.IsCiphertext(stored.ActorName)
            ? await DecryptAsync(stored.ActorName, ActorAad(stored.StreamId, stored.Source), ct) ?? Erased.User
            : stored.ActorName;
        var data = stored.Data;
        if (Rules.TryGetValue(stored.Type, out var rules) && NeedsReveal(data) && JsonNode.Parse(data) is JsonObject json)
        {
            foreach (var rule in rules)
            {
                if (json[rule.Name] is not JsonValue value || !value.TryGetValue<string>(out var text)) continue;
                if (rule.Kind == FieldKind.UserId)
                {
                    if (!Erased.IsPseudonym(text)) continue;
                    var subject = await keys.SubjectOfAsync(text[1..], ct);
                    json[rule.Name] = subject is not null && ulong.TryParse(subject, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                        ? id
                        : Erased.Anonymous(text);
                    continue;
                }
                if (!FieldCipher.IsCiphertext(text)) continue;
                json[rule.Name] = await DecryptAsync(text, FieldAad(stored.StreamId, stored.Version, rule.Name), ct) ?? rule.Kind switch
                {
                    FieldKind.UserName => Erased.User,
                    FieldKind.UserText => Erased.Text,
                    _ => Erased.Value,
                };
            }
            data = json.ToJsonString(EventCodec.Json);
        }
        if (ReferenceEquals(streamId, stored.StreamId) && ReferenceEquals(actorId, stored.ActorId) && ReferenceEquals(actorName, stored.ActorName)
            && ReferenceEquals(data, stored.Data))
            return stored;
        return stored with { StreamId = streamId, ActorId = actorId, ActorName = actorName, Data = data };
    }

    /// <summary>A user stream's logical name while the user's key exists; the stored (pseudonymous) one after.</summary>
    public async Task<string> LogicalStreamAsync(string storedStream, CancellationToken ct)
    {
        if (!UserStreamCategories.Contains(StreamIds.Category(storedStream))) return storedStream;
        var (category, guild, id) = StreamIds.Split(storedStream);
        if (!Erased.IsPseudonym(id)) return storedStream;
        var subject = await keys.SubjectOfAsync(id[1..], ct);
        return subject is null ? storedStream : $"{category}/{guild}/{StreamIds.EncodeId(subject)}";
    }

    private static bool NeedsReveal(string data) =>
        data.Contains(FieldCipher.Prefix, StringComparison.Ordinal) || data.Contains("\"~", StringComparison.Ordinal);

    private async Task<string?> DecryptAsync(string text, string aad, CancellationToken ct)
    {
        var keyId = FieldCipher.KeyIdOf(text);
        var key = keyId is null ? null : await keys.KeyAsync(keyId, ct);
        return key is null ? null : FieldCipher.TryDecrypt(text, key, aad);
    }

    private static string IdText(JsonValue value) =>
        value.TryGetValue<ulong>(out var number) ? number.ToString(CultureInfo.InvariantCulture) : value.ToString();

    public static string FieldAad(string storedStream, long version, string field) =>
        string.Create(CultureInfo.InvariantCulture, $"{storedStream}|{version}|{field}");

    public static string ActorAad(string storedStream, string source) => $"{storedStream}|{source}|{ActorNameField}";
}
