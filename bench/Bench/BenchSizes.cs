namespace EventBot.Bench;

/// <summary>How much each scenario does. Quick sizes keep CI under two minutes; full sizes are run by hand.</summary>
public sealed record BenchSizes(
    int SqliteSingleAppends,
    int SqliteBatchedAppends,
    int SqliteBatchSize,
    int CommandsSqlite,
    int LagSamplesSqlite,
    int RebuildEvents,
    int SteadyCommands,
    int DynamoAppendPairs,
    int CommandsDynamo,
    int LagSamplesStreams,
    int DynamoRebuildEvents)
{
    public static readonly BenchSizes Quick = new(
        SqliteSingleAppends: 1_000, SqliteBatchedAppends: 20_000, SqliteBatchSize: 500,
        CommandsSqlite: 200, LagSamplesSqlite: 200, RebuildEvents: 50_000, SteadyCommands: 300,
        DynamoAppendPairs: 60, CommandsDynamo: 15, LagSamplesStreams: 15, DynamoRebuildEvents: 600);

    public static readonly BenchSizes Full = new(
        SqliteSingleAppends: 10_000, SqliteBatchedAppends: 200_000, SqliteBatchSize: 500,
        CommandsSqlite: 2_000, LagSamplesSqlite: 2_000, RebuildEvents: 1_000_000, SteadyCommands: 5_000,
        DynamoAppendPairs: 500, CommandsDynamo: 150, LagSamplesStreams: 150, DynamoRebuildEvents: 50_000);

    public static BenchSizes For(bool quick) => quick ? Quick : Full;
}
