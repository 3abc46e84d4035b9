using System.CommandLine;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using EventBot.Bot.Hosting;
using EventBot.EventStore.DynamoDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace EventBot.Bot.Cli;

/// <summary>
/// Verb routing. With no verb the bot runs; every verb has --help, prints data as JSON with --json, and exits
/// non-zero with a one-line reason on error. Each verb lives in its own file and is added here with one line.
/// </summary>
public static class Verbs
{
    public static RootCommand Build()
    {
        var root = Root();
        var run = new Command("run", "Run the bot (the default when no verb is given).");
        run.SetAction((_, ct) => Cli.RunBotAsync(ct));
        root.Subcommands.Add(run);
        root.Subcommands.Add(TablesVerb.Create());
        root.Subcommands.Add(ProjectorVerb.Create());
        root.Subcommands.Add(LambdaVerb.Create());
        root.Subcommands.Add(ReplayVerb.Create());
        root.Subcommands.Add(ProjectionsVerb.Create());
        root.Subcommands.Add(HistoryVerb.Create());
        root.Subcommands.Add(SeedVerb.Create());
        root.Subcommands.Add(PrivacyVerb.Create());
        root.Subcommands.Add(CommandsVerb.Create());
        root.Subcommands.Add(ServeVerb.Create());
        return root;
    }

    /// <summary>
    /// The root command alone, for a start with no arguments (the bot itself): building every verb would load what only
    /// they use (the AWS SDK for <c>tables</c>, among others) before the bot's first reply.
    /// </summary>
    public static RootCommand Root()
    {
        var root = new RootCommand("EventBot: an event-sourced chat bot. With no verb it runs the bot (console chat, or Discord when DISCORD_TOKEN is set).");
        root.SetAction((_, ct) => Cli.RunBotAsync(ct));
        return root;
    }
}

/// <summary>
/// Shared CLI conventions: results on standard output, progress, notes and logs on standard error (so a script reads
/// only results), tables that fit 80 columns, one-line reasons.
/// </summary>
public static class Cli
{
    /// <summary>Narrowest terminal the tables are laid out for.</summary>
    public const int Width = 80;

    /// <summary>Results: a Spectre console on the current standard output (made per call, so redirection is honoured).</summary>
    public static IAnsiConsole Out() => Create(System.Console.Out, System.Console.IsOutputRedirected);

    /// <summary>Progress and notes: a Spectre console on standard error.</summary>
    public static IAnsiConsole Error() => Create(System.Console.Error, System.Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        // A pipe or a file has no width: lay out for the narrowest terminal, so what a script saves still reads well.
        if (redirected) console.Profile.Width = Width;
        return console;
    }

    /// <summary>
    /// Read-only verbs never create a store to read it: on SQLite, the reason to give when the data dir holds no
    /// database (null when it does, or on DynamoDB). Call before resolving any store service.
    /// </summary>
    public static string? MissingStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<BotOptions>>().Value;
        if (!options.Store.Equals("sqlite", StringComparison.OrdinalIgnoreCase) || File.Exists(options.DatabasePath)) return null;
        return $"no event store in {Path.GetFullPath(options.DataDir)} (EVENTBOT_DATA_DIR=\"{options.DataDir}\"), and reading never creates one: run the bot there first, or point EVENTBOT_DATA_DIR at its data directory";
    }

    public static readonly Option<bool> Json = new("--json") { Description = "Print machine-readable JSON on standard output." };

    /// <summary>Prints the one-line reason on standard error and returns the exit code.</summary>
    public static int Fail(string reason, int code = 1)
    {
        Console.Error.WriteLine($"eventbot: {reason}");
        return code;
    }

    /// <summary>Runs the bot; a bad setting stops it with its one-line reason and exit code 2, before anything starts.</summary>
    public static async Task<int> RunBotAsync(CancellationToken ct)
    {
        try
        {
            return await BotHost.RunAsync(ct);
        }
        catch (Exception ex) when (Setting(ex) is { } setting)
        {
            return Fail(setting.Message, SettingsCheck.ExitCode);
        }
        catch (Exception ex) when (AwsFailure(ex) is { } aws)
        {
            return Fail(await DescribeAwsFailureAsync(aws));
        }
    }

    /// <summary>
    /// Runs a verb body, turning any exception into a one-line reason: exit code 2 for a bad setting, 1 for the rest.
    /// </summary>
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
        catch (Exception ex) when (Setting(ex) is { } setting)
        {
            return Fail(setting.Message, SettingsCheck.ExitCode);
        }
        catch (Exception ex) when (AwsFailure(ex) is { } aws)
        {
            return Fail(await DescribeAwsFailureAsync(aws));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Fail(ex.GetBaseException().Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>A bad setting, also when a service factory threw it while being resolved.</summary>
    private static InvalidSettingException? Setting(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is InvalidSettingException setting) return setting;
        return null;
    }

    /// <summary>
    /// The AWS error in <paramref name="ex"/>, if it is one: an SDK exception, or a network failure (refused, reset,
    /// unknown host) that the SDK passed through unwrapped while calling AWS.
    /// </summary>
    public static Exception? AwsFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is AmazonServiceException or AmazonClientException) return e;
        var fromSdk = ex.StackTrace?.Contains("Amazon.Runtime", StringComparison.Ordinal) == true;
        for (Exception? e = ex; e is not null && fromSdk; e = e.InnerException)
            if (e is HttpRequestException or System.Net.Sockets.SocketException) return e;
        return null;
    }

    /// <summary>
    /// An AWS error with what failed: the endpoint, the region and the tables ("Connection refused" alone does not say
    /// which). A missing table is looked up, so the reason names it and how to create it.
    /// </summary>
    public static async Task<string> DescribeAwsFailureAsync(Exception ex)
    {
        var settings = new ConfigurationBuilder().AddEventBotEnvironment().Build().GetSection(EventBotEnvironment.Section);
        var prefix = settings["TablePrefix"] ?? EventBotTables.DefaultPrefix;
        string[] tables = [EventBotTables.EventsTableName(prefix), EventBotTables.ViewsTableName(prefix)];
        var endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_DYNAMODB") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        var region = Amazon.Runtime.FallbackRegionFactory.GetRegionEndpoint(includeInstanceMetadata: false)?.SystemName ?? "no region";
        var where = $"DynamoDB at {endpoint ?? $"the AWS endpoint of {region}"} ({region})";
        var reason = ex.GetBaseException().Message.ReplaceLineEndings(" ");
        if (ex is Amazon.DynamoDBv2.Model.ResourceNotFoundException)
        {
            var missing = await MissingTablesAsync(tables);
            if (missing.Count > 0)
                return missing.Count == 1
                    ? $"{where}: table {missing[0]} does not exist; create it with `tables create` (or EVENTBOT_CREATE_TABLES=true), or check EVENTBOT_TABLE_PREFIX"
                    : $"{where}: tables {string.Join(" and ", missing)} do not exist; create them with `tables create` (or EVENTBOT_CREATE_TABLES=true), or check EVENTBOT_TABLE_PREFIX";
        }
        return $"{where}, tables {string.Join(" and ", tables)}: {reason}";
    }

    private static async Task<List<string>> MissingTablesAsync(IEnumerable<string> tables)
    {
        var missing = new List<string>();
        try
        {
            using var client = new AmazonDynamoDBClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            foreach (var table in tables)
            {
                try
                {
                    await client.DescribeTableAsync(table, timeout.Token);
                }
                catch (Amazon.DynamoDBv2.Model.ResourceNotFoundException)
                {
                    missing.Add(table);
                }
            }
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or OperationCanceledException)
        {
            // The look-up is a courtesy; the original reason still names the endpoint and tables.
        }
        return missing;
    }
}
