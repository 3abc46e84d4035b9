using System.Globalization;
using System.Text.Json;
using EventBot.EventStore;

namespace EventBot.Projections.Core;

public enum DeadLetterStatus
{
    /// <summary>Failed fewer than the allowed attempts: the feed will try again.</summary>
    Failing,

    /// <summary>Gave up, and the projection moved on without it (policy <c>skip</c>).</summary>
    Skipped,

    /// <summary>Gave up, and the projection waits on it (policy <c>stop</c>): the feed stalls until it is fixed.</summary>
    Stopped,
}

/// <summary>
/// A record the projector could not apply. One per event (stream + version), whichever projection failed.
/// <see cref="CorrelationId"/> is the chat message or interaction that caused the event (null for old events and letters).
/// </summary>
public sealed record DeadLetter(
    string StreamId,
    long Version,
    string Type,
    string? Projection,
    string Error,
    int Attempts,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    DeadLetterStatus Status,
    string? CorrelationId = null)
{
    public string Id => IdOf(StreamId, Version);

    public static string IdOf(string streamId, long version) => $"{streamId}@{version.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Dead letters live as rows of their own partition in the view store (the views table on DynamoDB): outside every
/// generation, so a rebuild never wipes them, and listed with one Query.
/// </summary>
public sealed class DeadLetterStore(IViewStore views, TimeProvider time)
{
    public const string Partition = "deadletters";

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken ct) =>
        [.. (await views.QueryAsync(Partition, ct)).Select(Read).OrderBy(d => d.FirstSeen).ThenBy(d => d.Id, StringComparer.Ordinal)];

    public Task<DeadLetter?> GetAsync(string streamId, long version, CancellationToken ct) => GetAsync(DeadLetter.IdOf(streamId, version), ct);

    /// <summary>Whether this event was given up on and skipped (gap fills step over it).</summary>
    public async Task<bool> IsSkippedAsync(string streamId, long version, CancellationToken ct) =>
        await GetAsync(streamId, version, ct) is { Status: DeadLetterStatus.Skipped };

    public async Task<DeadLetter?> GetAsync(string id, CancellationToken ct) =>
        await views.GetAsync(new ViewKey(Partition, id), ct) is { } row ? Read(row) : null;

    /// <summary>Counts one more failed attempt and decides what it now is (failing, or given up as skipped/stopped).</summary>
    public async Task<DeadLetter> RecordFailureAsync(EventEnvelope envelope, string? projection, Exception error, DeadLetterPolicy policy, CancellationToken ct)
    {
        var key = new ViewKey(Partition, DeadLetter.IdOf(envelope.StreamId, envelope.Version));
        for (var attempt = 0; ; attempt++)
        {
            var row = await views.GetAsync(key, ct);
            var now = time.GetUtcNow();
            var before = row is null ? null : Read(row);
            var attempts = (before?.Attempts ?? 0) + 1;
            var status = attempts < policy.MaxAttempts ? DeadLetterStatus.Failing
                : policy.ActionFor(projection) == DeadLetterAction.Skip ? DeadLetterStatus.Skipped : DeadLetterStatus.Stopped;
            var letter = new DeadLetter(envelope.StreamId, envelope.Version, envelope.Type, projection ?? before?.Projection,
                error.GetBaseException().Message, attempts, before?.FirstSeen ?? now, now, status,
                envelope.CorrelationId is { Length: > 0 } correlation ? correlation : before?.CorrelationId);
            var body = JsonSerializer.Serialize(letter, EventCodec.Json);
            var revision = row?.Revision ?? 0;
            if (await views.TryWriteAsync(new ViewRow(key, body, new Dictionary<string, long>(), revision + 1), revision, ct)) return letter;
            if (attempt > 10) return letter; // another projector counted the same failure: good enough
        }
    }

    public Task RemoveAsync(string id, CancellationToken ct) => views.DeleteAsync(new ViewKey(Partition, id), ct);

    private static DeadLetter Read(ViewRow row) => JsonSerializer.Deserialize<DeadLetter>(row.Body, EventCodec.Json)!;
}

public enum DeadLetterAction
{
    Skip,
    Stop,
}

/// <summary>
/// What the projector does with a record that keeps failing. Bound from <c>EVENTBOT_DEAD_LETTERS</c> (skip|stop,
/// default skip), <c>EVENTBOT_DEAD_LETTERS_&lt;PROJECTION&gt;</c> (e.g. <c>EVENTBOT_DEAD_LETTERS_SPARKLE_TOTALS=stop</c>)
/// and <c>EVENTBOT_DEAD_LETTER_ATTEMPTS</c> (default 5, counted across deliveries and processes).
/// </summary>
/// <remarks>
/// Skip is the default, for unknown types too: one poison record should not freeze every read model for every
/// server. It is never silent: the dead letter is listed by <c>projections errors</c>, counted by
/// <c>projections status</c>, retryable, and <c>replay --verify</c> shows what it changed. Choose stop for a read
/// model where a missing event is worse than a stale one.
/// </remarks>
public sealed record DeadLetterPolicy(DeadLetterAction Default, IReadOnlyDictionary<string, DeadLetterAction> PerProjection, int MaxAttempts)
{
    public static readonly DeadLetterPolicy Standard = new(DeadLetterAction.Skip, new Dictionary<string, DeadLetterAction>(), 5);

    /// <summary>Failures outside any projection (unknown type, unreadable data) use the default.</summary>
    public DeadLetterAction ActionFor(string? projection) =>
        projection is not null && PerProjection.TryGetValue(projection, out var action) ? action : Default;

    /// <summary>The configuration key suffix of a projection: <c>remember-values</c> → <c>RememberValues</c>.</summary>
    public static string ConfigName(string projection) =>
        string.Concat(projection.Split('-', '_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));

    public static DeadLetterAction ParseAction(string text) => text.Trim().ToLowerInvariant() switch
    {
        "skip" => DeadLetterAction.Skip,
        "stop" => DeadLetterAction.Stop,
        _ => throw new FormatException($"dead-letter policy must be skip or stop, not '{text}'"),
    };

    /// <summary>Reads the policy from a settings lookup (the EventBot configuration section).</summary>
    public static DeadLetterPolicy From(Func<string, string?> setting, IEnumerable<string> projections)
    {
        var fallback = setting("DeadLetters") is { Length: > 0 } d ? ParseAction(d) : DeadLetterAction.Skip;
        var per = new Dictionary<string, DeadLetterAction>(StringComparer.Ordinal);
        foreach (var p in projections)
            if (setting("DeadLetters" + ConfigName(p)) is { Length: > 0 } v) per[p] = ParseAction(v);
        var attempts = setting("DeadLetterAttempts") is { Length: > 0 } a ? int.Parse(a, CultureInfo.InvariantCulture) : 5;
        if (attempts < 1) throw new FormatException("EVENTBOT_DEAD_LETTER_ATTEMPTS must be at least 1");
        return new DeadLetterPolicy(fallback, per, attempts);
    }
}
