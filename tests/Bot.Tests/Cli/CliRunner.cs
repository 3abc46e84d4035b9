using EventBot.Bot.Cli;

namespace EventBot.Bot.Tests.Cli;

/// <summary>
/// Invokes the executable's verbs exactly as the command line would, with some process environment variables set for
/// the call and standard output and error captured apart. Verbs read the process environment and the console, so
/// callers run in the serialized DynamoDB Local collection.
/// </summary>
public static class CliRunner
{
    private static int _running;

    public static Task<(int Exit, string Out, string Error)> RunAsync(IDictionary<string, string?> environment, params string[] args) =>
        RunAsync(Verbs.Build(), environment, args);

    /// <summary>Runs <paramref name="root"/> (e.g. one verb built with test services) instead of the executable's verbs.</summary>
    public static async Task<(int Exit, string Out, string Error)> RunAsync(System.CommandLine.RootCommand root, IDictionary<string, string?> environment, params string[] args)
    {
        // Two verbs at once would read each other's output and variables (CI once parsed one verb's line as another's
        // JSON): say so instead of failing on garbled output.
        if (Interlocked.Increment(ref _running) > 1)
        {
            Interlocked.Decrement(ref _running);
            throw new InvalidOperationException("CliRunner ran twice at once: put the calling test class in [Collection(DynamoDbLocalFixture.Collection)].");
        }

        try
        {
            return await RunAloneAsync(root, environment, args);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static async Task<(int Exit, string Out, string Error)> RunAloneAsync(System.CommandLine.RootCommand root, IDictionary<string, string?> environment, string[] args)
    {
        var previous = environment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        var previousOut = System.Console.Out;
        var previousError = System.Console.Error;
        // Not disposed: Spectre's static AnsiConsole keeps the first writer it saw for the rest of the process.
        var output = new StringWriter();
        var errors = new StringWriter();
        foreach (var (name, value) in environment) Environment.SetEnvironmentVariable(name, value);
        System.Console.SetOut(output);
        System.Console.SetError(errors);
        try
        {
            var exit = await root.Parse(args).InvokeAsync();
            return (exit, output.ToString().ReplaceLineEndings("\n"), errors.ToString().ReplaceLineEndings("\n"));
        }
        finally
        {
            System.Console.SetOut(previousOut);
            System.Console.SetError(previousError);
            foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
