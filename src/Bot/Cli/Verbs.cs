using System.CommandLine;
using EventBot.Bot.Hosting;

namespace EventBot.Bot.Cli;

/// <summary>Verb routing. With no verb the bot runs; every verb has --help and exits non-zero with a one-line reason.</summary>
public static class Verbs
{
    public static RootCommand Build()
    {
        var root = new RootCommand("EventBot: an event-sourced chat bot. With no verb it runs the bot (console chat, or Discord when DISCORD_TOKEN is set).");
        root.SetAction((_, ct) => BotHost.RunAsync(ct));

        var run = new Command("run", "Run the bot (the default when no verb is given).");
        run.SetAction((_, ct) => BotHost.RunAsync(ct));
        root.Subcommands.Add(run);
        return root;
    }
}
