using System.Text.Json.Nodes;

namespace EventBot.Discord.Tests.Fake;

/// <summary>A gateway session as Discord keeps it: its id, sequence and the dispatches a resume replays.</summary>
public sealed class FakeGatewaySession(string id, int intents = int.MaxValue)
{
    private readonly List<(long Seq, string Type, JsonObject Data)> _dispatches = [];
    private readonly Lock _gate = new();

    public string Id { get; } = id;

    /// <summary>The intents sent in Identify; a resumed session keeps them.</summary>
    public int Intents { get; } = intents;

    public long Sequence
    {
        get
        {
            lock (_gate)
                return _dispatches.Count == 0 ? 0 : _dispatches[^1].Seq;
        }
    }

    internal long Append(string type, JsonObject data)
    {
        lock (_gate)
        {
            var seq = Sequence + 1;
            _dispatches.Add((seq, type, (JsonObject)data.DeepClone()));
            return seq;
        }
    }

    internal IReadOnlyList<(long Seq, string Type, JsonObject Data)> After(long seq)
    {
        lock (_gate)
            return [.. _dispatches.Where(d => d.Seq > seq)];
    }
}
