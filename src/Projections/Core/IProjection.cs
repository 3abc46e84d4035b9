using EventBot.EventStore;

namespace EventBot.Projections.Core;

/// <summary>
/// One read model. Pure: which rows an event touches, and how a row's body changes. The projector core owns
/// ordering, idempotency, gaps, retries and storage.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: part of every row key and of checkpoints. Never rename casually.</summary>
    string Name { get; }

    bool Handles(string eventType);

    /// <summary>The logical rows (partition without generation) the event changes. Each is fed by the event's stream.</summary>
    IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event);

    /// <summary>The row's new body. <paramref name="body"/> is null when the row does not exist yet.</summary>
    string Apply(ViewKey row, string? body, EventEnvelope envelope, object @event);
}

/// <summary>
/// A projection with a typed document: the core applies events to the document itself and writes JSON only when the
/// row is stored, so a row that several events of one batch touch is parsed once and written once.
/// </summary>
public interface IDocumentProjection : IProjection
{
    /// <summary>The document of a stored body.</summary>
    object ReadDocument(string body);

    /// <summary>The row's next document. <paramref name="document"/> is null when the row does not exist yet; it is never changed.</summary>
    object ApplyDocument(ViewKey row, object? document, EventEnvelope envelope, object @event);

    string WriteDocument(object document);
}

/// <summary>A projection with a typed document; bodies are JSON.</summary>
public abstract class Projection<TDocument> : IDocumentProjection
    where TDocument : class
{
    private readonly Dictionary<Type, Func<TDocument?, EventEnvelope, object, TDocument>> _handlers = [];
    private readonly HashSet<string> _types = new(StringComparer.Ordinal);

    /// <summary>The document's generated JSON metadata, when its projection gives one; else reflection (<see cref="EventCodec.Json"/>).</summary>
    private static System.Text.Json.Serialization.Metadata.JsonTypeInfo<TDocument>? s_documentJson;

    protected Projection()
    {
    }

    /// <param name="documentJson">
    /// Metadata generated at compile time for <typeparamref name="TDocument"/> (a <c>JsonSerializerContext</c> with the
    /// web defaults, like <see cref="EventCodec.Json"/>, so bodies are the same): the first row a process applies or
    /// reads then builds no serializer by reflection (docs/performance.md, start-up).
    /// </param>
    protected Projection(System.Text.Json.Serialization.Metadata.JsonTypeInfo<TDocument> documentJson) => s_documentJson = documentJson;

    public abstract string Name { get; }

    public bool Handles(string eventType) => _types.Contains(eventType);

    public abstract IEnumerable<ViewKey> RowsFor(EventEnvelope envelope, object @event);

    public string Apply(ViewKey row, string? body, EventEnvelope envelope, object @event) =>
        WriteDocument(ApplyDocument(row, body is null ? null : ReadDocument(body), envelope, @event));

    public object ReadDocument(string body) =>
        Deserialize(body) ?? throw new System.Text.Json.JsonException($"{Name}: a row's body is null.");

    public object ApplyDocument(ViewKey row, object? document, EventEnvelope envelope, object @event) =>
        _handlers[@event.GetType()]((TDocument?)document, envelope, @event);

    public string WriteDocument(object document) => s_documentJson is { } json
        ? System.Text.Json.JsonSerializer.Serialize((TDocument)document, json)
        : System.Text.Json.JsonSerializer.Serialize((TDocument)document, EventCodec.Json);

    public static TDocument? Read(ViewRow? row) => row is null ? null : Deserialize(row.Body);

    private static TDocument? Deserialize(string body) => s_documentJson is { } json
        ? System.Text.Json.JsonSerializer.Deserialize(body, json)
        : System.Text.Json.JsonSerializer.Deserialize<TDocument>(body, EventCodec.Json);

    /// <summary>
    /// Registers the pure function for one event type; the wire name comes from its [EventType]. It returns a new
    /// document and never changes the one it is given (documents are reused across applies), and every property of
    /// the document must survive a JSON round trip (a row read back from the store must apply the same).
    /// </summary>
    protected void On<TEvent>(Func<TDocument?, EventEnvelope, TEvent, TDocument> apply)
    {
        var wire = typeof(TEvent).GetCustomAttributes(typeof(Domain.Common.EventTypeAttribute), false)
            .Cast<Domain.Common.EventTypeAttribute>().Single();
        _types.Add(wire.Name);
        _handlers[typeof(TEvent)] = (doc, env, e) => apply(doc, env, (TEvent)e);
    }
}

/// <summary>
/// What a live projector does with an erasure event besides projecting it (docs/privacy.md): re-project the rows that
/// held what was erased. Implemented by <c>Privacy.ErasureReprojection</c>.
/// </summary>
public interface IErasureHandler
{
    bool Handles(string eventType);

    Task ApplyAsync(EventEnvelope erasure, IReadOnlyList<IProjection> projections, CancellationToken ct);

    /// <summary>The same in one generation alone (a rebuild's target), whatever was done before; records nothing.</summary>
    Task ApplyToGenerationAsync(EventEnvelope erasure, IReadOnlyList<IProjection> projections, long generation, CancellationToken ct);
}
