namespace EventBot.Projections.Replay;

/// <summary>Where a rebuild is: the phase, events done and the expected total (exact on SQLite, an estimate on DynamoDB).</summary>
public sealed record RebuildProgress(string Phase, long Done, long Total, bool TotalIsExact);

public sealed record GenerationFlip(string Projection, long Old, long Next);

/// <param name="Events">Events replayed in all, including those done before a resume.</param>
/// <param name="DoneBefore">Events an interrupted earlier run had already replayed (0 unless resumed).</param>
/// <param name="Settled">Of <paramref name="Elapsed"/>, the time spent waiting after the flip for other processes to see
/// it (<see cref="Rebuilder.FlipSettle"/>): a fixed wait, not work, whatever the size of the history.</param>
public sealed record RebuildResult(long Events, TimeSpan Elapsed, bool Resumed, IReadOnlyList<GenerationFlip> Flips, IReadOnlyList<RowDifference> Drift,
    long DoneBefore = 0, TimeSpan Settled = default)
{
    /// <summary>The rate of this run: events it replayed itself over its own elapsed time.</summary>
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? (Events - DoneBefore) / Elapsed.TotalSeconds : Events - DoneBefore;
}

public sealed record GenerationPair(long Old, long Next);

/// <summary>A rebuild's saved progress (a named value), so an interrupted rebuild resumes instead of starting over.</summary>
/// <param name="StartPosition">The store's last position when the rebuild began (SQLite).</param>
/// <param name="Cursor">The last position whose batch was written (SQLite); 0 on DynamoDB.</param>
/// <param name="Segments">Per Scan segment (DynamoDB): the cursor after the last page written, or <see cref="Rebuilder.SegmentDone"/>.</param>
public sealed record RebuildState(Dictionary<string, GenerationPair> Targets, DateTimeOffset StartedAt, long StartPosition, long Cursor, long Done,
    Dictionary<int, string>? Segments = null);
