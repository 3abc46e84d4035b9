using System.CommandLine;
using EventBot.Bot.Hosting;
using Microsoft.Extensions.Hosting;

namespace EventBot.Bot.Cli;

/// <summary>
/// <c>projector</c>: only the projector (the Streams poller on DynamoDB, the tail on SQLite), for a bot running with
/// <c>EVENTBOT_PROJECTOR=off</c>. Runs until stopped.
/// </summary>
public static class ProjectorVerb
{
    public static Command Create()
    {
        var command = new Command("projector", "Run only the projector that keeps the read models up to date (for bots started with EVENTBOT_PROJECTOR=off).");
        command.SetAction((_, ct) => Cli.GuardAsync(async () =>
        {
            var builder = BotHost.CreateBuilder(projectorOnly: true);
            using var host = builder.Build();
            await host.RunAsync(ct);
            return 0;
        }));
        return command;
    }
}
