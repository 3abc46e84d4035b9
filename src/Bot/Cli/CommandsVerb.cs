using System.CommandLine;
using System.Text.Json;
using EventBot.Bot.Hosting;
using EventBot.Discord;
using EventBot.Discord.Interactions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Cli;

/// <summary>
/// <c>commands sync [--guild ID] [--dry-run] [--json]</c>: registers this build's slash commands with Discord, reading
/// the registered ones first and sending one bulk overwrite only when they differ. Needs <c>DISCORD_TOKEN</c>; the
/// application id comes from <c>GET /applications/@me</c>, so no gateway session is opened.
/// </summary>
public static class CommandsVerb
{
    /// <param name="configure">Services added after the bot's own (tests: a definitions source, a fake Discord).</param>
    public static Command Create(Action<IServiceCollection>? configure = null)
    {
        var guild = new Option<string?>("--guild") { Description = "Sync one server's commands (they show at once there) instead of the global ones." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Compare and report only; send nothing." };
        var sync = new Command("sync", "Register the slash commands when they differ from Discord's (one bulk overwrite; none when equal).") { guild, dryRun, Cli.Json };
        sync.SetAction((result, ct) => Cli.GuardAsync(() => SyncAsync(result.GetValue(guild), result.GetValue(dryRun), result.GetValue(Cli.Json), configure, ct)));
        var commands = new Command("commands", "Slash commands registered with Discord.");
        commands.Subcommands.Add(sync);
        return commands;
    }

    private static async Task<int> SyncAsync(string? guildId, bool dryRun, bool json, Action<IServiceCollection>? configure, CancellationToken ct)
    {
        var builder = BotHost.CreateBuilder();
        if (!BotHost.UsesDiscord(builder.Configuration))
            return Cli.Fail("DISCORD_TOKEN is not set; allowed: the bot token from the Developer Portal (commands sync registers with that bot's application)", SettingsCheck.ExitCode);
        if (guildId is not null && !CommandSyncSetting.IsSnowflake(guildId))
            return Cli.Fail($"--guild \"{guildId}\" is not a server id; allowed: the server's numeric id (Developer Mode: right-click the server, Copy Server ID)", SettingsCheck.ExitCode);
        builder.Services.AddDiscordClient(builder.Configuration);
        builder.Services.AddApplicationCommandSource();
        configure?.Invoke(builder.Services);
        using var host = builder.Build();
        try
        {
            _ = host.Services.GetRequiredService<IOptions<DiscordOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            return Cli.Fail(string.Join("; ", ex.Failures), SettingsCheck.ExitCode);
        }

        var definitions = host.Services.GetRequiredService<IApplicationCommandSource>().Definitions();
        if (definitions.Count == 0)
            return Cli.Fail(ApplicationCommandSourceRegistration.NoDefinitions);
        var applicationId = await host.Services.GetRequiredService<IDiscordApplicationCommands>().GetApplicationIdAsync(ct);
        var outcome = await host.Services.GetRequiredService<ApplicationCommandSync>().SyncAsync(applicationId, guildId, definitions, dryRun, ct);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                application_id = outcome.ApplicationId,
                scope = outcome.GuildId is null ? "global" : "guild",
                guild_id = outcome.GuildId,
                dry_run = outcome.DryRun,
                in_sync = outcome.InSync,
                overwritten = outcome.Overwritten,
                created = outcome.Created,
                changed = outcome.Changed,
                deleted = outcome.Deleted,
                unchanged = outcome.Unchanged,
            }, EventStore.EventCodec.Json));
        }
        else
        {
            Console.WriteLine(Describe(outcome));
        }

        return 0;
    }

    /// <summary>One line a person reads: what differed and what was done about it.</summary>
    public static string Describe(ApplicationCommandSyncResult result)
    {
        var scope = result.GuildId is null ? "Global commands" : $"Commands of server {result.GuildId}";
        if (result.InSync)
            return $"{scope}: already registered as defined ({result.Unchanged.Count}); nothing sent.";
        var parts = string.Join("; ", new[] { ("created", result.Created), ("changed", result.Changed), ("deleted", result.Deleted) }
            .Where(p => p.Item2.Count > 0)
            .Select(p => $"{(result.DryRun ? "would be " : "")}{p.Item1}: {string.Join(", ", p.Item2)}"));
        return result.DryRun
            ? $"{scope}: {parts}. Nothing sent (--dry-run)."
            : $"{scope}: {parts}. Sent one bulk overwrite of {result.Created.Count + result.Changed.Count + result.Unchanged.Count} command(s).";
    }
}
