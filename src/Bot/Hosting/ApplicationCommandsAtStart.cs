using EventBot.Discord;
using EventBot.Discord.Interactions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Hosting;

/// <summary>
/// <c>EVENTBOT_SYNC_COMMANDS=global|guild:ID</c>: once per start, after the first READY (which names the application),
/// registers the slash commands if they differ from what Discord holds. An unchanged set costs one GET and no PUT, so
/// restarts never spend the daily create limit. A failure is logged and the bot carries on: prefix commands and the
/// commands already registered keep working.
/// </summary>
public sealed partial class ApplicationCommandsAtStart(
    IDiscordGateway gateway,
    IDiscordApplicationCommands commands,
    ApplicationCommandSync sync,
    IApplicationCommandSource source,
    IOptions<BotOptions> options,
    ILogger<ApplicationCommandsAtStart> logger) : BackgroundService
{
    /// <summary>Completes when the sync at start has ended (or was off); tests wait on it.</summary>
    public Task Done => _done.Task;

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.Failed(logger, ex, ex.Message);
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        // Checked by SettingsCheck at start; an unreadable value here means "off".
        if (!CommandSyncSetting.TryParse(options.Value.SyncCommands, out var setting) || !setting.Enabled)
            return;
        var definitions = source.Definitions();
        if (definitions.Count == 0)
        {
            Log.NoDefinitions(logger, ApplicationCommandSourceRegistration.NoDefinitions);
            return;
        }

        await gateway.WaitUntilReadyAsync(ct);
        var applicationId = gateway.ApplicationId ?? await commands.GetApplicationIdAsync(ct);
        var result = await sync.SyncAsync(applicationId, setting.GuildId, definitions, dryRun: false, ct);
        var scope = setting.GuildId is null ? "global" : $"guild {setting.GuildId}";
        if (result.InSync)
            Log.InSync(logger, scope, result.Unchanged.Count);
        else
            Log.Overwritten(logger, scope, Names(result.Created), Names(result.Changed), Names(result.Deleted));
    }

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);

    private static partial class Log
    {
        [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Slash commands ({Scope}) already registered as defined ({Count}); nothing sent")]
        public static partial void InSync(ILogger logger, string scope, int count);

        [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Slash commands ({Scope}) registered: created {Created}; changed {Changed}; deleted {Deleted}")]
        public static partial void Overwritten(ILogger logger, string scope, string created, string changed, string deleted);

        [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "EVENTBOT_SYNC_COMMANDS is on but {Reason}")]
        public static partial void NoDefinitions(ILogger logger, string reason);

        [LoggerMessage(EventId = 5104, Level = LogLevel.Error, Message = "Registering the slash commands at start failed ({Reason}); the bot runs on with the commands Discord already has")]
        public static partial void Failed(ILogger logger, Exception exception, string reason);
    }
}
