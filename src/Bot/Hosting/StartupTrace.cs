using System.Diagnostics;
using System.Globalization;

namespace EventBot.Bot.Hosting;

/// <summary>
/// <c>EVENTBOT_STARTUP_TRACE=1</c>: one line on standard error per start-up phase, with the wall time since the process
/// started and the CPU it has used so far (how docs/performance.md's start-up phases were measured). Off, a flag check.
/// </summary>
public static class StartupTrace
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("EVENTBOT_STARTUP_TRACE") is "1" or "true";

    public static void Mark(string phase)
    {
        if (!Enabled) return;
        var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup {phase,-24} wall {sinceStart.TotalMilliseconds,6:0} ms  cpu {Environment.CpuUsage.TotalTime.TotalMilliseconds,6:0} ms"));
    }
}
