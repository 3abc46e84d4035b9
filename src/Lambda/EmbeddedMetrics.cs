using System.Text;
using System.Text.Json;

namespace EventBot.Lambda;

/// <summary>
/// The projector's metrics as CloudWatch Embedded Metric Format: one JSON log line per invocation, which CloudWatch
/// Logs turns into metrics (namespace <see cref="Namespace"/>, dimension <c>Feed=lambda</c>) with no API call and no
/// extra latency. Names match the OpenTelemetry ones of the in-process projector.
/// </summary>
public static class EmbeddedMetrics
{
    public const string Namespace = "EventBot";
    public const string Applied = "eventbot.projector.applied";
    public const string Lag = "eventbot.projector.lag";
    public const string DeadLetters = "eventbot.deadletters";

    /// <param name="applied">Events the core finished in this invocation.</param>
    /// <param name="lagSeconds">Now minus the creation time of the oldest record of the batch (null when none had one).</param>
    /// <param name="deadLetters">Records given up on (dead-lettered and skipped) in this invocation.</param>
    public static string Line(DateTimeOffset at, long applied, double? lagSeconds, long deadLetters)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", at.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue("Feed");
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            Metric(json, Applied, "Count");
            if (lagSeconds is not null) Metric(json, Lag, "Seconds");
            Metric(json, DeadLetters, "Count");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("Feed", "lambda");
            json.WriteNumber(Applied, applied);
            if (lagSeconds is { } lag) json.WriteNumber(Lag, Math.Round(lag, 3));
            json.WriteNumber(DeadLetters, deadLetters);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Metric(Utf8JsonWriter json, string name, string unit)
    {
        json.WriteStartObject();
        json.WriteString("Name", name);
        json.WriteString("Unit", unit);
        json.WriteEndObject();
    }
}
