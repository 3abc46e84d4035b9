namespace EventBot.Domain.Common;

/// <summary>
/// How a decider's state is stored beside its stream (an Equinox-style "unfold"), so a command loads one small item
/// and the few events after it instead of folding the whole stream: a wire name, a schema version and two pure
/// mappings. A storage contract like an event: bump <see cref="SchemaVersion"/> whenever the shape or the meaning of
/// the stored state changes (a new field, a new rule in <c>Evolve</c>), and readers fold the stream from the start
/// instead of trusting what older code stored.
/// </summary>
public sealed record StateCodec<TState>(string Type, int SchemaVersion, Func<TState, string> Encode, Func<string, TState> Decode);
