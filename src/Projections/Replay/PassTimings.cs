using System.Diagnostics;
using System.Globalization;

namespace EventBot.Projections.Replay;

/// <summary>
/// Where a segmented main pass spends its time, for profiling only (<c>EVENTBOT_REBUILD_TIMINGS=1</c>, written to
/// stderr): the producers' read (Scan, item parsing, reveal) and decode, their wait for room in the channel; the
/// consumer's wait for a page and its apply; and the process's CPU time over the pass.
/// </summary>
internal sealed class PassTimings
{
    private readonly TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _read, _decode, _blocked, _waited, _applied;

    /// <summary>Read once: whether <c>EVENTBOT_REBUILD_TIMINGS=1</c>.</summary>
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("EVENTBOT_REBUILD_TIMINGS") == "1";

    public static PassTimings? FromEnvironment() => Enabled ? new PassTimings() : null;

    public void Producer(long read, long decode, long blocked)
    {
        Interlocked.Add(ref _read, read);
        Interlocked.Add(ref _decode, decode);
        Interlocked.Add(ref _blocked, blocked);
    }

    public void Consumer(long waited, long applied)
    {
        _waited += waited;
        _applied += applied;
    }

    public void Report(long events)
    {
        static string S(long ticks) => (ticks / (double)Stopwatch.Frequency).ToString("0.000", CultureInfo.InvariantCulture);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rebuild main pass: {events} events in {S(Stopwatch.GetTimestamp() - _start)} s, process CPU {cpu.TotalSeconds:0.000} s; " +
            $"producers (summed) read+reveal {S(_read)} s, decode {S(_decode)} s, blocked on a full channel {S(_blocked)} s; " +
            $"consumer waited {S(_waited)} s, applied {S(_applied)} s"));
    }
}
