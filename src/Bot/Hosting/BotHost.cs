using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace EventBot.Bot.Hosting;

/// <summary>Builds the Generic Host for the bot and for CLI verbs that need the same services.</summary>
public static class BotHost
{
    /// <param name="environment">EVENTBOT_*/DISCORD_* variables to use instead of the process's (tests).</param>
    /// <param name="projectorOnly">The <c>projector</c> verb: the feed always runs, whatever EVENTBOT_PROJECTOR says.</param>
    public static HostApplicationBuilder CreateBuilder(IDictionary<string, string?>? environment = null, bool projectorOnly = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
            // Settings are read once at start (IOptions, never a monitor): no file watchers on appsettings*.json.
            Configuration = new ConfigurationManager { ["hostBuilder:reloadConfigOnChange"] = "false" },
        });
        builder.Configuration.AddUserSecrets(typeof(BotHost).Assembly, optional: true);
        builder.Configuration.AddEventBotEnvironment(environment);
        SettingsCheck.ThrowIfInvalid(builder.Configuration);

        // Standard output belongs to chat replies; every log line goes to standard error.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.AddEventBotTelemetry();

        builder.Services.AddEventBotCore(builder.Configuration, projectorOnly);
        return builder;
    }

    /// <summary>Runs the bot: on Discord when a token is configured (DISCORD_TOKEN), else as console chat.</summary>
    public static async Task<int> RunAsync(CancellationToken ct)
    {
        var builder = CreateBuilder();
        StartupTrace.Mark("builder");
        if (UsesDiscord(builder.Configuration)) builder.Services.AddDiscordChat(builder.Configuration);
        else builder.Services.AddConsoleChat();
        using var host = builder.Build();
        StartupTrace.Mark("built");
        // RunAsync disposes the host's services when it returns (e.g. at the end of console input): resolve first.
        var exit = host.Services.GetRequiredService<BotExit>();
        // Made now, so a missing region stops the bot with its one line before the host starts (and logs a failure).
        // Only on DynamoDB: on SQLite the AWS SDK is never loaded at all.
        if (UsesDynamoDb(builder.Configuration)) MakeAwsClient(host.Services);
        if (StartupTrace.Enabled) host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => StartupTrace.Mark("started"));
        await host.RunAsync(ct);
        StartupTrace.Mark("stopped");
        if (exit.Reason is not null) await Console.Error.WriteLineAsync($"eventbot: {exit.Reason}");
        return exit.Code;
    }

    /// <summary>The validated options without starting a host (for verbs that only need settings).</summary>
    public static BotOptions LoadOptions(IDictionary<string, string?>? environment = null)
    {
        using var host = CreateBuilder(environment).Build();
        return host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BotOptions>>().Value;
    }

    /// <summary>Checks the process's EVENTBOT_* settings alone, for verbs that build no host (<c>lambda invoke</c>).</summary>
    public static void CheckSettings() =>
        SettingsCheck.ThrowIfInvalid(new ConfigurationBuilder().AddEventBotEnvironment().Build());

    /// <summary>The region the AWS SDK would use, from the environment or the profile (not instance metadata: no network at start).</summary>
    /// <summary>
    /// The region as the SDK finds it: environment and profile first; EC2 instance metadata only when those have none
    /// (a bot on EC2 without AWS_REGION), so nothing probes the metadata endpoint when a region is configured.
    /// </summary>
    public static string? AwsRegion() =>
        Amazon.Runtime.FallbackRegionFactory.GetRegionEndpoint(includeInstanceMetadata: false)?.SystemName
        ?? Amazon.Runtime.FallbackRegionFactory.GetRegionEndpoint(includeInstanceMetadata: true)?.SystemName;

    // Its own method: the AWS SDK's assemblies load when a method naming its types is first run, not before.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void MakeAwsClient(IServiceProvider services) => services.GetService<Amazon.DynamoDBv2.IAmazonDynamoDB>();

    private static bool UsesDynamoDb(IConfiguration configuration) =>
        (configuration.GetSection(EventBotEnvironment.Section)["Store"] ?? "sqlite").Equals("dynamodb", StringComparison.OrdinalIgnoreCase);

    public static bool UsesDiscord(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{EventBotEnvironment.DiscordSection}:Token"]);
}
