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
    /// <summary>Sustained load (<see cref="LoadScenarios"/>): the fixed arrival rates per store, commands/s.</summary>
    public int[] LoadSqliteRates { get; init; } = [100, 400];

    public int[] LoadDynamoRates { get; init; } = [25, 100];

    /// <summary>How long each fixed rate runs.</summary>
    public TimeSpan LoadDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The unmeasured run before the first rate (JIT, connections, first streams).</summary>
    public TimeSpan LoadWarmUp { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long each step of the search for the highest rate held runs, and how many steps at most.</summary>
    public TimeSpan LoadSearchDuration { get; init; } = TimeSpan.FromSeconds(15);

    public int LoadSearchSteps { get; init; } = 5;

    /// <summary>Once a store's load runs have taken this long, no further search step starts (the fixed rates always run).</summary>
    public TimeSpan LoadBudget { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Fresh processes per start-up figure (the median is reported).</summary>
    public int StartupRuns { get; init; } = 11;

    /// <summary>
    /// Measure start-up on the bot and the Lambda published as they are deployed (ReadyToRun for this machine's runtime),
    /// published by the bench itself; quick runs (CI) measure the plain build beside the bench instead, and say so.
    /// </summary>
    public bool StartupPublished { get; init; } = true;

    public static readonly BenchSizes Quick = new(
        SqliteSingleAppends: 1_000, SqliteBatchedAppends: 20_000, SqliteBatchSize: 500,
        CommandsSqlite: 200, LagSamplesSqlite: 200, RebuildEvents: 50_000, SteadyCommands: 300,
        DynamoAppendPairs: 60, CommandsDynamo: 15, LagSamplesStreams: 15, DynamoRebuildEvents: 600)
    {
        LoadDuration = TimeSpan.FromSeconds(3),
        LoadWarmUp = TimeSpan.FromSeconds(1),
        LoadSearchDuration = TimeSpan.FromSeconds(2),
        LoadSearchSteps = 2,
        LoadBudget = TimeSpan.FromSeconds(40),
        StartupRuns = 3,
        StartupPublished = false,
    };

    public static readonly BenchSizes Full = new(
        SqliteSingleAppends: 10_000, SqliteBatchedAppends: 200_000, SqliteBatchSize: 500,
        CommandsSqlite: 2_000, LagSamplesSqlite: 2_000, RebuildEvents: 1_000_000, SteadyCommands: 5_000,
        DynamoAppendPairs: 500, CommandsDynamo: 150, LagSamplesStreams: 150, DynamoRebuildEvents: 50_000);

    public static BenchSizes For(bool quick) => quick ? Quick : Full;
}
