using System.CommandLine;
using EventBot.Bot.Hosting;

namespace EventBot.Bot.Cli;

/// <summary>
/// Verb routing. With no verb the bot runs; every verb has --help, prints data as JSON with --json, and exits
/// non-zero with a one-line reason on error. Each verb lives in its own file and is added here with one line.
/// </summary>
public static class Verbs
{
    public static RootCommand Build()
    {
        var root = new RootCommand("EventBot: an event-sourced chat bot. With no verb it runs the bot (console chat, or Discord when DISCORD_TOKEN is set).");
        root.SetAction((_, ct) => BotHost.RunAsync(ct));

        var run = new Command("run", "Run the bot (the default when no verb is given).");
        run.SetAction((_, ct) => BotHost.RunAsync(ct));
        root.Subcommands.Add(run);
        root.Subcommands.Add(TablesVerb.Create());
        root.Subcommands.Add(ProjectorVerb.Create());
        root.Subcommands.Add(LambdaVerb.Create());
        root.Subcommands.Add(ReplayVerb.Create());
        root.Subcommands.Add(ProjectionsVerb.Create());
        root.Subcommands.Add(HistoryVerb.Create());
        root.Subcommands.Add(SeedVerb.Create());
        return root;
    }
}

/// <summary>Shared CLI conventions.</summary>
public static class Cli
{
    public static readonly Option<bool> Json = new("--json") { Description = "Print machine-readable JSON on standard output." };

    /// <summary>Prints the one-line reason on standard error and returns the exit code.</summary>
    public static int Fail(string reason, int code = 1)
    {
        Console.Error.WriteLine($"eventbot: {reason}");
        return code;
    }

    /// <summary>Runs a verb body, turning any exception into a one-line reason and exit code 1.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            return Fail("cancelled", 130);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Fail(ex.GetBaseException().Message.ReplaceLineEndings(" "));
        }
    }
}
