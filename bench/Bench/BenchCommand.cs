using System.CommandLine;
using EventBot.Bot.Cli;

namespace EventBot.Bench;

/// <summary>
/// The bench's command line, <c>EventBot.Bench [--quick] [--json FILE]</c>: measures EventBot against raw baselines
/// (plain SQLite INSERTs, single DynamoDB calls) in the same run, interleaved; prints a Markdown table and, with
/// <c>--json FILE</c>, one object per metric.
/// </summary>
public static class BenchCommand
{
    public static RootCommand Build()
    {
        var quick = new Option<bool>("--quick") { Description = "Small sizes (CI): about a minute." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the metrics as JSON to this file." };
        var noDynamo = new Option<bool>("--no-dynamodb") { Description = "Skip the DynamoDB Local scenarios." };
        var dynamoUrl = new Option<string?>("--dynamodb-url") { Description = "Use a running DynamoDB Local instead of starting one (default: EVENTBOT_TEST_DYNAMODB_URL, else start the jar from tools/dynamodb-local)." };
        var only = new Option<string[]>("--only") { Description = $"Run only these scenarios: {string.Join(", ", BenchRun.Scenarios)}.", AllowMultipleArgumentsPerToken = true };
        // Internal: how the parent runs a per-scenario child process for peak RSS.
        var scenario = new Option<string?>("--scenario") { Hidden = true };
        var dataDir = new Option<string?>("--data-dir") { Hidden = true };
        var count = new Option<int>("--count") { Hidden = true };

        var command = new RootCommand("Measure EventBot against raw baselines (SQLite, DynamoDB Local) and print a Markdown table.")
        {
            quick, json, noDynamo, dynamoUrl, only, scenario, dataDir, count,
        };
        command.SetAction((result, ct) => Cli.GuardAsync(async () =>
        {
            if (result.GetValue(scenario) is { } name)
            {
                var own = await ChildScenarios.RunAsync(name, result.GetValue(dataDir) ?? throw new ArgumentException("--data-dir is required with --scenario"),
                    result.GetValue(count), ct);
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(own, BenchReport.Json));
                return 0;
            }

            var selected = result.GetValue(only) ?? [];
            if (selected.FirstOrDefault(s => !BenchRun.Scenarios.Contains(s)) is { } unknown)
                return Cli.Fail($"unknown scenario '{unknown}' (known: {string.Join(", ", BenchRun.Scenarios)})");
            var run = new BenchRun(result.GetValue(quick), !result.GetValue(noDynamo), result.GetValue(dynamoUrl), selected.ToHashSet(StringComparer.Ordinal));
            var (metrics, environment) = await BenchRunner.RunAsync(run, Console.Error, ct);
            Console.WriteLine(BenchReport.Markdown(metrics, environment));
            if (result.GetValue(json) is { } file) await File.WriteAllTextAsync(file.FullName, BenchReport.ToJson(metrics, environment), ct);
            return 0;
        }));
        return command;
    }
}
