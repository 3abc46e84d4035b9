using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventBot.Bench;

/// <summary>
/// One measured figure. <see cref="Ratio"/> is always <c>Value / Baseline</c> (measured in the same run,
/// interleaved): for times lower is better, for rates higher is better.
/// </summary>
public sealed record BenchMetric(
    string Name,
    double Value,
    string Unit,
    double? Baseline,
    string? BaselineWhat,
    string? Target,
    string Store,
    string? Note = null)
{
    public double? Ratio => Baseline is > 0 ? Value / Baseline.Value : null;

    public BenchEnvironment? Environment { get; init; }
}

/// <summary>Where the numbers were taken. Load averages are read at the start and end of the run: the machine is shared.</summary>
public sealed record BenchEnvironment(
    int Cores,
    string Os,
    string DotNet,
    string? DynamoDbLocal,
    string Mode,
    string LoadAtStart,
    string? LoadAtEnd)
{
    public static BenchEnvironment Capture(bool quick, string? dynamoDbLocal) => new(
        System.Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        dynamoDbLocal,
        quick ? "quick" : "full",
        LoadAverage(),
        null);

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}

public static class BenchReport
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // A file for people and scripts, never embedded in HTML: keep "≥" and "+" readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Markdown(IReadOnlyList<BenchMetric> metrics, BenchEnvironment environment)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{environment.Cores} cores, {environment.Os}, {environment.DotNet}, DynamoDB Local {environment.DynamoDbLocal ?? "not used"}, {environment.Mode} sizes, load average {environment.LoadAtStart} → {environment.LoadAtEnd}");
        text.AppendLine();
        text.AppendLine("| metric | store | value | unit | baseline | ratio | target | note |");
        text.AppendLine("| --- | --- | ---: | --- | ---: | ---: | --- | --- |");
        foreach (var m in metrics)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Name} | {m.Store} | {Format(m.Value)} | {m.Unit} | {(m.Baseline is { } b ? Format(b) + (m.BaselineWhat is null ? "" : $" ({m.BaselineWhat})") : "–")} | {(m.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "–")} | {m.Target ?? "report"} | {m.Note ?? ""} |");
        }
        return text.ToString();
    }

    public static string ToJson(IReadOnlyList<BenchMetric> metrics, BenchEnvironment environment) =>
        JsonSerializer.Serialize(metrics.Select(m => m with { Environment = environment }).ToList(), Json);

    public static List<BenchMetric> FromJson(string json) =>
        JsonSerializer.Deserialize<List<BenchMetric>>(json, Json) ?? [];

    private static string Format(double value) => value switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.000", CultureInfo.InvariantCulture),
    };
}

/// <summary>Latency samples in stopwatch ticks; percentiles by nearest rank.</summary>
public sealed class Samples
{
    private readonly List<long> _ticks = [];

    public int Count => _ticks.Count;

    public void Add(long ticks) => _ticks.Add(ticks);

    public double PercentileMs(double p)
    {
        if (_ticks.Count == 0) return double.NaN;
        var sorted = _ticks.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)] * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
    }

    public double MeanMs() => _ticks.Count == 0 ? double.NaN : _ticks.Average() * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}

/// <summary>Peak resident set of this process (VmHWM), the figure a memory limit acts on.</summary>
public static class PeakMemory
{
    public static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return kb / 1024.0;
        }
        return double.NaN;
    }
}
