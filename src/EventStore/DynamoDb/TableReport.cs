namespace EventBot.EventStore.DynamoDb;

public enum TableState
{
    /// <summary>The table exists and matches its definition.</summary>
    Ok,

    /// <summary>No table of that name.</summary>
    Missing,

    /// <summary>The table exists but differs from its definition; see <see cref="TableCheck.Drift"/>.</summary>
    Drifted,
}

/// <summary>One table's outcome. <see cref="Created"/> is true when this call created it (create only).</summary>
public sealed record TableCheck(string TableName, TableState State, IReadOnlyList<string> Drift, bool Created = false)
{
    public override string ToString() => State switch
    {
        TableState.Ok => $"{TableName}: ok{(Created ? " (created)" : "")}",
        TableState.Missing => $"{TableName}: missing",
        _ => $"{TableName}: drift{(Created ? " (created)" : "")}\n" + string.Join('\n', Drift.Select(d => "  - " + d)),
    };
}

/// <summary>What <c>tables create</c> or <c>tables verify</c> found, one entry per table in definition order.</summary>
public sealed record TableReport(IReadOnlyList<TableCheck> Tables)
{
    public bool IsOk => Tables.All(t => t.State == TableState.Ok);

    public TableCheck this[string tableName] => Tables.Single(t => t.TableName == tableName);

    public override string ToString() => string.Join('\n', Tables);
}
