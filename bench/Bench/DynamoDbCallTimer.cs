using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace EventBot.Bench;

/// <summary>
/// The phase timings of one measured command: every DynamoDB call the command itself makes (its async flow, not the
/// projector's on the same client), by operation and table, timed from the SDK's request event to its response event,
/// and the command's whole time. What is left (decide, encryption, the mediator) is the command's own CPU.
/// </summary>
public sealed class DynamoDbCallTimer : IDisposable
{
    private static readonly AsyncLocal<List<Call>?> Current = new();
    private readonly AmazonServiceClient _client;
    private readonly ConditionalWeakTable<AmazonWebServiceRequest, StrongBox<long>> _started = [];
    private readonly List<(long Total, List<Call> Calls)> _commands = [];

    public sealed record Call(string Name, long Ticks);

    public DynamoDbCallTimer(IAmazonDynamoDB client)
    {
        _client = (AmazonServiceClient)client;
        _client.BeforeRequestEvent += Before;
        _client.AfterResponseEvent += After;
    }

    /// <summary>Times <paramref name="command"/> and the DynamoDB calls it makes.</summary>
    public async Task<T> MeasureAsync<T>(Func<Task<T>> command, bool record)
    {
        var calls = new List<Call>();
        Current.Value = calls;
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await command();
        }
        finally
        {
            var total = Stopwatch.GetTimestamp() - start;
            Current.Value = null;
            if (record)
                lock (_commands) _commands.Add((total, calls));
        }
    }

    /// <summary>
    /// Per call kind: calls per command and the median time of one call; then the median command and the median of
    /// what is not a call. Medians, so one slow outlier does not hide where the usual time goes.
    /// </summary>
    public string Breakdown()
    {
        if (_commands.Count == 0) return "no commands";
        var n = _commands.Count;
        var parts = _commands.SelectMany(c => c.Calls).GroupBy(c => c.Name, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .Select(g => string.Create(CultureInfo.InvariantCulture,
                $"{g.Key} ×{(double)g.Count() / n:0.##} ({Ms(Median(g.Select(c => c.Ticks))):0.00} ms)"));
        var calls = Median(_commands.Select(c => (long)c.Calls.Count));
        var rest = Median(_commands.Select(c => c.Total - c.Calls.Sum(x => x.Ticks)));
        return string.Create(CultureInfo.InvariantCulture,
            $"per write (median of {n}): {string.Join(", ", parts)}; {calls} calls; command {Ms(Median(_commands.Select(c => c.Total))):0.00} ms, of which outside DynamoDB calls {Ms(rest):0.00} ms");
    }

    public void Dispose()
    {
        _client.BeforeRequestEvent -= Before;
        _client.AfterResponseEvent -= After;
    }

    private void Before(object sender, RequestEventArgs e)
    {
        if (Current.Value is null || e is not WebServiceRequestEventArgs { Request: { } request }) return;
        _started.AddOrUpdate(request, new StrongBox<long>(Stopwatch.GetTimestamp()));
    }

    private void After(object sender, ResponseEventArgs e)
    {
        if (Current.Value is not { } calls || e is not WebServiceResponseEventArgs { Request: { } request }) return;
        if (!_started.TryGetValue(request, out var start)) return;
        _started.Remove(request);
        lock (calls) calls.Add(new Call(NameOf(request), Stopwatch.GetTimestamp() - start.Value));
    }

    private static string NameOf(AmazonWebServiceRequest request) => request switch
    {
        QueryRequest q => $"Query {Short(q.TableName)}",
        GetItemRequest g => $"GetItem {Short(g.TableName)}",
        PutItemRequest p => $"PutItem {Short(p.TableName)}",
        TransactWriteItemsRequest t => $"TransactWriteItems {string.Join('+', t.TransactItems.Select(Table).Distinct(StringComparer.Ordinal))} ({t.TransactItems.Count} items)",
        _ => request.GetType().Name.Replace("Request", "", StringComparison.Ordinal),
    };

    private static string Table(TransactWriteItem item) =>
        Short(item.Put?.TableName ?? item.ConditionCheck?.TableName ?? item.Update?.TableName ?? item.Delete?.TableName ?? "?");

    /// <summary>The table without the run's prefix: events, views, keys.</summary>
    private static string Short(string table) => table[(table.LastIndexOf('-') + 1)..];

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
