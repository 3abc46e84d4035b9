using System.Diagnostics;
using System.Text;
using EventBot.Testing;

namespace EventBot.Infrastructure.Tests;

/// <summary>Finds the command-line tools these tests drive, failing with the command that installs them.</summary>
public static class Tools
{
    public const string InstallHint = "run scripts/install-test-tools.sh";

    public static string RepositoryRoot { get; } = DynamoDbLocalFixture.FindRepositoryRoot();

    /// <summary>The full path of <paramref name="name"/> on PATH, or null. (What bash's <c>command -v</c> finds.)</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(path => File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0));

    public static string Require(string name, string why) => FindOnPath(name) ?? throw new InvalidOperationException(
        $"'{name}' is not on PATH; {why} needs it: {InstallHint}.");

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>Runs a process (in the repository root) to completion (killing it after <paramref name="timeout"/>), capturing both outputs.</summary>
    public static async Task<Result> RunAsync(
        string file, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            // null removes an inherited variable.
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}:\n{await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
