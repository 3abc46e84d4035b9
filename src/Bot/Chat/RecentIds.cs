namespace EventBot.Bot.Chat;

/// <summary>
/// The last <c>capacity</c> ids seen, oldest forgotten first: enough to spot a redelivered interaction (a gateway resume
/// replays minutes, not hours) in bounded memory.
/// </summary>
public sealed class RecentIds(int capacity)
{
    public const int DefaultCapacity = 10_000;

    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _gate = new();

    /// <summary>True the first time an id is seen; false when it is still remembered.</summary>
    public bool Add(string id)
    {
        lock (_gate)
        {
            if (!_ids.Add(id)) return false;
            _order.Enqueue(id);
            if (_order.Count > capacity) _ids.Remove(_order.Dequeue());
            return true;
        }
    }
}
