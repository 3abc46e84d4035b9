using EventBot.Bot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Tests.Hosting;

/// <summary>
/// The host is built from the empty builder (start-up cost), with by hand what the default builder gave the bot: these
/// hold that nothing it relied on went missing.
/// </summary>
public sealed class BotHostDefaultsTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));

    private HostApplicationBuilder Builder() => BotHost.CreateBuilder(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _dataDir });

    [Fact]
    public void Settings_come_from_DOTNET_variables_then_appsettings_files_then_every_variable_then_the_bots_own_without_file_watchers()
    {
        var sources = Builder().Configuration.Sources.ToList();

        var dotnet = sources.FindIndex(s => s is EnvironmentVariablesConfigurationSource { Prefix: "DOTNET_" });
        var json = sources.OfType<JsonConfigurationSource>().Where(s => s.Path?.StartsWith("appsettings", StringComparison.Ordinal) == true).ToList();
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production;
        Assert.Equal(["appsettings.json", $"appsettings.{environment}.json"], json.Select(s => s.Path));
        Assert.All(json, s => Assert.True(s.Optional && !s.ReloadOnChange));
        var all = sources.FindIndex(s => s is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        Assert.True(dotnet >= 0 && all >= 0, "both environment variable sources are there");
        Assert.True(dotnet < sources.IndexOf(json[0]) && sources.IndexOf(json[^1]) < all, "DOTNET_*, then the files, then every variable");
    }

    [Fact]
    public void The_Logging_section_filters_logs_and_log_scopes_carry_the_trace_ids()
    {
        var builder = Builder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Probe"] = "Error" });
        using var host = builder.Build();

        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Probe");
        Assert.False(logger.IsEnabled(LogLevel.Warning));
        Assert.True(logger.IsEnabled(LogLevel.Error));
        Assert.Equal(ActivityTrackingOptions.SpanId | ActivityTrackingOptions.TraceId | ActivityTrackingOptions.ParentId,
            host.Services.GetRequiredService<IOptions<LoggerFactoryOptions>>().Value.ActivityTrackingOptions);
    }

    [Fact]
    public void Ctrl_C_and_SIGTERM_still_stop_the_host_through_the_console_lifetime()
    {
        using var host = Builder().Build();

        Assert.IsType<ConsoleLifetime>(host.Services.GetRequiredService<IHostLifetime>());
    }

    [Fact]
    public void The_bot_runs_without_tiered_PGO_and_with_the_reflection_only_container()
    {
        // The runtime settings the bot's executable starts with (its runtimeconfig.json, copied beside the tests).
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "EventBot.Bot.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
        Assert.True(properties.GetProperty("Microsoft.Extensions.DependencyInjection.DisableDynamicEngine").GetBoolean());
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }
}
