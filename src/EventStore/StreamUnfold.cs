namespace EventBot.EventStore;

/// <summary>
/// An aggregate's state about to be stored beside its stream (an Equinox-style "unfold"): its wire type, the schema
/// version of <see cref="Data"/>, and the state as JSON. The store stamps the version and event it was folded up to.
/// </summary>
public sealed record UnfoldData(string Type, int SchemaVersion, string Data);

/// <summary>
/// An aggregate's state as stored beside its stream: folded up to <see cref="Version"/>, whose event is
/// <see cref="EventId"/>. A reader trusts it only when the stream's event at that version has that id; otherwise (or
/// when the type or schema is not the one it knows) it folds the stream from the start.
/// </summary>
public sealed record StreamUnfold(string Type, int SchemaVersion, string Data, long Version, Guid EventId);
