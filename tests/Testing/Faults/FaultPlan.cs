using System.Net;
using System.Text;
using System.Text.Json;

namespace EventBot.Testing.Faults;

/// <summary>What the fault injector does to one request.</summary>
public enum FaultKind
{
    None,

    /// <summary>400 with <c>ThrottlingException</c> (or <c>ProvisionedThroughputExceededException</c>), as DynamoDB sends it.</summary>
    Throttle,

    /// <summary>500 <c>InternalServerError</c>; the request never reached the table.</summary>
    ServerError,

    /// <summary>400 <c>TransactionCanceledException</c> whose reasons are <c>TransactionConflict</c> and <c>None</c> (TransactWriteItems only).</summary>
    Conflict,

    /// <summary>Forwarded after a delay.</summary>
    Slow,

    /// <summary>The connection is dropped before any answer; the request never reached the table.</summary>
    Drop,

    /// <summary>Forwarded and applied, then answered 500: the nasty one, a retry repeats something that already happened.</summary>
    LostResponse,
}

/// <summary>
/// Rates of each fault (0–1, drawn per request in the order of the properties, from one seeded <see cref="Random"/>)
/// and a switch to stop injecting. Conflicts apply to TransactWriteItems only.
/// </summary>
public sealed class FaultPlan
{
    public double Throttle { get; init; }

    public double ServerError { get; init; }

    public double Conflict { get; init; }

    public double Slow { get; init; }

    public double Drop { get; init; }

    public double LostResponse { get; init; }

    public TimeSpan SlowDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    public int Seed { get; init; } = 1;

    /// <summary>Only requests whose <c>X-Amz-Target</c> this accepts are touched (default: all).</summary>
    public Func<string, bool>? AppliesTo { get; init; }

    /// <summary>Turn injection off (and on again) while the harness keeps forwarding.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Decides, counts and renders faults; shared by the in-process <see cref="FaultInjectingHandler"/> and the
/// out-of-process <see cref="FaultProxy"/>.
/// </summary>
public sealed class FaultInjector(FaultPlan plan)
{
    private readonly Random _random = new(plan.Seed);
    private readonly long[] _counts = new long[Enum.GetValues<FaultKind>().Length];
    private long _requests;

    public FaultPlan Plan => plan;

    public long Requests => Interlocked.Read(ref _requests);

    public long Count(FaultKind kind) => Interlocked.Read(ref _counts[(int)kind]);

    /// <summary>Faults injected of every kind but <see cref="FaultKind.None"/> and <see cref="FaultKind.Slow"/> (a slow answer is still an answer).</summary>
    public long Failures => Count(FaultKind.Throttle) + Count(FaultKind.ServerError) + Count(FaultKind.Conflict) + Count(FaultKind.Drop) + Count(FaultKind.LostResponse);

    public string Summary() => string.Join(", ", Enum.GetValues<FaultKind>().Select(k => $"{k}={Count(k)}")) + $" of {Requests} requests";

    public FaultKind Decide(string target)
    {
        Interlocked.Increment(ref _requests);
        if (!plan.Enabled || (plan.AppliesTo is { } filter && !filter(target))) return Counted(FaultKind.None);
        double draw;
        lock (_random) draw = _random.NextDouble();
        var transact = target.EndsWith(".TransactWriteItems", StringComparison.Ordinal);
        foreach (var (kind, rate) in new[]
        {
            (FaultKind.Throttle, plan.Throttle), (FaultKind.ServerError, plan.ServerError), (FaultKind.Conflict, transact ? plan.Conflict : 0),
            (FaultKind.Slow, plan.Slow), (FaultKind.Drop, plan.Drop), (FaultKind.LostResponse, plan.LostResponse),
        })
        {
            if (draw < rate) return Counted(kind);
            draw -= rate;
        }
        return Counted(FaultKind.None);
    }

    private FaultKind Counted(FaultKind kind)
    {
        Interlocked.Increment(ref _counts[(int)kind]);
        return kind;
    }

    /// <summary>The answer DynamoDB gives for <paramref name="kind"/> (status, JSON body), for a request with <paramref name="body"/>.</summary>
    public (HttpStatusCode Status, string Body) Answer(FaultKind kind, string target, string body)
    {
        switch (kind)
        {
            case FaultKind.Throttle:
                // Both throttling errors DynamoDB sends; Streams answers LimitExceededException on its control plane.
                int pick;
                lock (_random) pick = _random.Next(2);
                var type = target.StartsWith("DynamoDBStreams", StringComparison.Ordinal) && target.EndsWith("DescribeStream", StringComparison.Ordinal)
                    ? "LimitExceededException"
                    : pick == 0 ? "ThrottlingException" : "ProvisionedThroughputExceededException";
                return (HttpStatusCode.BadRequest, $$"""{"__type":"com.amazonaws.dynamodb.v20120810#{{type}}","message":"Rate of requests exceeds the allowed throughput."}""");
            case FaultKind.Conflict:
                var items = Math.Max(1, CountTransactItems(body));
                var reasons = Enumerable.Range(0, items).Select(i => i == items - 1
                    ? """{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"}"""
                    : """{"Code":"None"}""");
                var codes = string.Join(", ", Enumerable.Range(0, items).Select(i => i == items - 1 ? "TransactionConflict" : "None"));
                return (HttpStatusCode.BadRequest,
                    $$"""{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","CancellationReasons":[{{string.Join(",", reasons)}}],"Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [{{codes}}]"}""");
            default:
                return (HttpStatusCode.InternalServerError, """{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}""");
        }
    }

    private static int CountTransactItems(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("TransactItems", out var items) ? items.GetArrayLength() : 1;
        }
        catch (JsonException)
        {
            return 1;
        }
    }

    internal static HttpResponseMessage Response(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0") };
}
