using System.Diagnostics;
using System.Text;

namespace EventBot.Bot.Tests;

/// <summary>
/// The bot as a real child process (<c>dotnet EventBot.Bot.dll</c>, resolved like this test host's assemblies), so a test
/// can send it a real SIGTERM and read its exit code and logs.
/// </summary>
public sealed class ChildBot : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ChildBot(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Errors
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    public static ChildBot Start(IDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo { FileName = "dotnet", UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        // The test host's runtimeconfig and deps: the Bot assembly beside it resolves what the tests resolve.
        var deps = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string)?.Split(';', StringSplitOptions.RemoveEmptyEntries).First()
            ?? throw new InvalidOperationException("no deps file");
        foreach (var arg in new[] { "exec", "--runtimeconfig", deps.Replace(".deps.json", ".runtimeconfig.json", StringComparison.Ordinal), "--depsfile", deps })
            start.ArgumentList.Add(arg);
        start.ArgumentList.Add(typeof(EventBot.Bot.Hosting.BotHost).Assembly.Location);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("EVENTBOT_", StringComparison.Ordinal) || k.StartsWith("DISCORD_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return new ChildBot(Process.Start(start) ?? throw new InvalidOperationException("could not start the bot"));
    }

    /// <summary>What a service manager sends: SIGTERM.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
