using EventBot.Bot.Adapters.Console;
using EventBot.Bot.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
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
        // The empty builder, with the defaults this bot uses added by hand below (BotHostDefaultsTests): the default builder
        // also adds the command line (the bot passes none here) and the console, debug and EventSource log providers, which
        // were cleared below anyway; each is start-up work (docs/performance.md, start-up, third pass).
        var environmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = environmentName,
            Configuration = new ConfigurationManager(),
        });
        // As the default builder: DOTNET_* host settings, appsettings.json and appsettings.{environment}.json (settings are
        // read once at start, IOptions, never a monitor: no file watchers), then every environment variable.
        builder.Configuration.AddEnvironmentVariables(prefix: "DOTNET_");
        builder.Configuration.AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{environmentName}.json", optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables();
        // As the default builder: the "Logging" section filters, trace ids in log scopes, and scope and build-time
        // validation of the container in Development.
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.SpanId | ActivityTrackingOptions.TraceId | ActivityTrackingOptions.ParentId);
        builder.Metrics.AddConfiguration(builder.Configuration.GetSection("Metrics"));
        var development = builder.Environment.IsDevelopment();
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = development, ValidateOnBuild = development }));
        StartupTrace.Mark("builder: host defaults");
        builder.Configuration.AddUserSecrets(typeof(BotHost).Assembly, optional: true);
        builder.Configuration.AddEventBotEnvironment(environment);
        SettingsCheck.ThrowIfInvalid(builder.Configuration);
        StartupTrace.Mark("builder: settings");

        // Standard output belongs to chat replies; every log line goes to standard error.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.AddEventBotTelemetry();
        StartupTrace.Mark("builder: logging");

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
