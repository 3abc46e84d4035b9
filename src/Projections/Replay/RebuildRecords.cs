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
    /// <summary>How long each phase took (start, main pass, catch-up, sweep, flip, settle, clean-up), in order.</summary>
    public IReadOnlyList<(string Phase, TimeSpan Took)> Phases { get; init; } = [];

    /// <summary>Rows the rebuild wrote, rows of a reused slot it left as they were (identical), and stale rows it deleted (swept or an old generation).</summary>
    public (long Written, long Unchanged, long Deleted) Rows { get; init; }

    /// <summary>The rate of this run: events it replayed itself over its own elapsed time.</summary>
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? (Events - DoneBefore) / Elapsed.TotalSeconds : Events - DoneBefore;
}

public sealed record GenerationPair(long Old, long Next);

/// <summary>A rebuild's saved progress (a named value), so an interrupted rebuild resumes instead of starting over.</summary>
/// <param name="StartPosition">The store's last position when the rebuild began (SQLite).</param>
/// <param name="Cursor">The last position whose batch was written (SQLite); 0 on DynamoDB.</param>
/// <param name="Segments">Per Scan segment (DynamoDB): the cursor after the last page written, or <see cref="Rebuilder.SegmentDone"/>.</param>
/// <param name="ReusedSlot">The targets are slots being overwritten in place (<see cref="Rebuilder.ReuseSlots"/>): which of
/// their rows are stale is known only in memory, so a resumed rebuild reads the slot again and starts its main pass over
/// (what the crashed attempt wrote is then left as it is where it is still right: no write repeats).</param>
public sealed record RebuildState(Dictionary<string, GenerationPair> Targets, DateTimeOffset StartedAt, long StartPosition, long Cursor, long Done,
    Dictionary<int, string>? Segments = null, bool ReusedSlot = false);
