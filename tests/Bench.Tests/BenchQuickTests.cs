using System.Text.Json;
using EventBot.Testing;

namespace EventBot.Bench.Tests;

/// <summary>
/// Keeps <c>EventBot.Bench --quick</c> working: every metric is present, finite and positive. No thresholds: CI
/// machines are shared and noisy; the figures are read by people (docs/performance.md).
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class BenchQuickTests(DynamoDbLocalFixture dynamo)
{
    private static readonly string[] Expected =
    [
        "append_rate_sqlite_single", "append_rate_sqlite_batched", "append_rate_sqlite_single_encrypted", "append_ratio_dynamodb_encrypted",
        "command_rtt_console_sqlite_p50", "command_rtt_console_sqlite_p99",
        "projection_lag_sqlite_p50", "projection_lag_sqlite_p99",
        "rebuild_rate_sqlite", "memory_rebuild_peak_rss", "memory_steady_peak_rss",
        "append_ratio_dynamodb", "append_ratio_dynamodb_existing",
        "command_rtt_dynamodb_p50", "command_rtt_dynamodb_p99",
        "projection_lag_streams_p50", "projection_lag_streams_p99",
        "rebuild_ratio_dynamodb", "append_dynamodb_vs_raw_transaction",
        "load_sqlite_100_p50", "load_sqlite_100_p99", "load_sqlite_100_lag_p99", "load_sqlite_100_lost",
        "load_sqlite_400_p50", "load_sqlite_400_p99", "load_sqlite_400_lag_p99", "load_sqlite_400_lost", "load_sqlite_max_rate",
        "load_dynamodb_25_p50", "load_dynamodb_25_p99", "load_dynamodb_25_lag_p99", "load_dynamodb_25_lost",
        "load_dynamodb_100_p50", "load_dynamodb_100_p99", "load_dynamodb_100_lag_p99", "load_dynamodb_100_lost", "load_dynamodb_max_rate", "load_dynamodb_raw_calls_per_s", "load_dynamodb_calls_per_command",
        // Issue 19 items 3 and 6: how long each fixed rate ran before it was held or stopped as not held.
        "load_sqlite_100_run_s", "load_sqlite_400_run_s", "load_dynamodb_25_run_s", "load_dynamodb_100_run_s",
        "startup_one_shot_ms", "startup_one_shot_cpu_ms", "lambda_cold_ms", "lambda_cold_cpu_ms",
        "telemetry_on_ratio_console_sqlite_p50",
        "interaction_cold_ms", "interaction_warm_ms", "interaction_cold_ms_dynamodb", "interaction_warm_ms_dynamodb",
        "interaction_ack_ms_sqlite_p50", "interaction_ack_ms_sqlite_p99", "autocomplete_ms_p99",
        "interaction_ack_ms_dynamodb_p50", "interaction_ack_ms_dynamodb_p99",
        // Issue 19, items 1-2 (FlatScenarios).
        "history_cost_ratio_sqlite", "history_cost_ratio_dynamodb", "asof_cost_ratio_sqlite", "asof_cost_ratio_dynamodb",
        "play_cost_ratio_sqlite", "play_cost_ratio_dynamodb",
        "command_rtt_dynamodb_write", "command_rtt_dynamodb_write_p50",
        "command_rtt_dynamodb_read_after_write_p50", "command_rtt_dynamodb_read_after_write_p99",
    ];

    [Fact]
    public async Task QuickBench_WritesEveryMetric_FiniteAndPositive()
    {
        var json = Path.Combine(Path.GetTempPath(), $"eventbot-bench-{Guid.NewGuid():N}.json");
        try
        {
            // The fixture's endpoint: the bench points the AWS SDK's environment chain at it, as the other tests here do.
            var exit = await BenchCommand.Build().Parse(["--quick", "--json", json, "--dynamodb-url", dynamo.ServiceUrl.ToString()]).InvokeAsync();
            Assert.Equal(0, exit);

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var metrics = document.RootElement.EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
            Assert.Equal(Expected.Order(), metrics.Keys.Order());
            foreach (var (name, metric) in metrics)
            {
                var value = metric.GetProperty("value").GetDouble();
                // Events lost under load is a count that must be 0; every other figure is a positive measurement.
                if (name.EndsWith("_lost", StringComparison.Ordinal)) Assert.True(value == 0, $"{name} = {value}");
                else Assert.True(double.IsFinite(value) && value > 0, $"{name} = {value}");
                Assert.False(string.IsNullOrEmpty(metric.GetProperty("unit").GetString()), $"{name} has no unit");
                if (metric.GetProperty("baseline").ValueKind == JsonValueKind.Number)
                {
                    var baseline = metric.GetProperty("baseline").GetDouble();
                    var ratio = metric.GetProperty("ratio").GetDouble();
                    Assert.True(double.IsFinite(baseline) && baseline > 0, $"{name} baseline = {baseline}");
                    Assert.True(double.IsFinite(ratio) && ratio > 0, $"{name} ratio = {ratio}");
                }
                var environment = metric.GetProperty("environment");
                Assert.True(environment.GetProperty("cores").GetInt32() > 0);
                Assert.False(string.IsNullOrEmpty(environment.GetProperty("dotNet").GetString()));
                Assert.False(string.IsNullOrEmpty(environment.GetProperty("os").GetString()));
            }
        }
        finally
        {
            File.Delete(json);
        }
    }
}
