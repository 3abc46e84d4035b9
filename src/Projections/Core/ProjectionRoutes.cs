using EventBot.EventStore;

namespace EventBot.Projections.Core;

/// <summary>A row that has to apply <see cref="Version"/> of <see cref="StreamId"/> before a reply may read it.</summary>
public readonly record struct PendingRow(string Projection, ViewKey Row, string StreamId, long Version);

/// <summary>
/// Which rows events touch, asked of each projection with the functions the projector core routes with
/// (<see cref="IProjection.Handles"/>, <see cref="IProjection.RowsFor"/>). Read-your-writes waits for exactly these
/// rows, so a command never needs to know a projection's row keys.
/// </summary>
public sealed class ProjectionRoutes(IEnumerable<IProjection> projections, EventCodec codec)
{
    private readonly IReadOnlyList<IProjection> _projections = [.. projections];

    public IEnumerable<PendingRow> RowsTouchedBy(IEnumerable<EventEnvelope> events)
    {
        foreach (var envelope in events)
        {
            object? decoded = null;
            foreach (var projection in _projections.Where(p => p.Handles(envelope.Type)))
            {
                decoded ??= codec.Decode(envelope);
                foreach (var row in projection.RowsFor(envelope, decoded))
                    yield return new PendingRow(projection.Name, row, envelope.StreamId, envelope.Version);
            }
        }
    }
}
