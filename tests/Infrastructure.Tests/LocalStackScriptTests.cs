using EventBot.EventStore.DynamoDb;
using EventBot.Testing;

namespace EventBot.Infrastructure.Tests;

/// <summary>
/// Runs localstack/init/ready.d/10-create-tables.sh itself, with bash and the AWS CLI, against DynamoDB Local
/// (what LocalStack embeds), then verifies the tables against <see cref="EventBotTables"/>.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class LocalStackScriptTests(DynamoDbLocalFixture dynamo)
{
    const string Script = "localstack/init/ready.d/10-create-tables.sh";

    Task<Tools.Result> RunScriptAsync(string prefix)
    {
        var bash = Tools.Require("bash", "the LocalStack init script test");
        Tools.Require("aws", "the LocalStack init script (outside LocalStack, where awslocal is missing)");
        var home = Path.Combine(Path.GetTempPath(), "eventbot-aws-" + Guid.NewGuid().ToString("N"));
        return Tools.RunAsync(bash, [Script], new Dictionary<string, string?>
        {
            ["EVENTBOT_TABLE_PREFIX"] = prefix,
            ["AWS_ENDPOINT_URL"] = dynamo.ServiceUrl.ToString().TrimEnd('/'),
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_DEFAULT_REGION"] = DynamoDbLocalFixture.Region,
            ["AWS_REGION"] = DynamoDbLocalFixture.Region,
            // Keep the developer's own AWS profile and config out of it.
            ["AWS_CONFIG_FILE"] = Path.Combine(home, "config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "credentials"),
            ["AWS_PROFILE"] = null,
        }, TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task The_script_creates_the_tables_exactly_as_defined_in_code()
    {
        var prefix = $"ls-{Guid.NewGuid():N}-";

        var run = await RunScriptAsync(prefix);

        Assert.True(run.ExitCode == 0, run.ToString());
        var report = await EventBotTableAdmin.VerifyAsync(dynamo.Client, prefix, CancellationToken.None);
        Assert.True(report.IsOk, report.ToString());
        Assert.Contains($"{prefix}events created", run.Stderr);
        Assert.Contains($"{prefix}views created", run.Stderr);
    }

    [Fact]
    public async Task Running_the_script_again_skips_existing_tables()
    {
        var prefix = $"ls-{Guid.NewGuid():N}-";
        await EventBotTableAdmin.CreateAsync(dynamo.Client, prefix, CancellationToken.None);

        var run = await RunScriptAsync(prefix);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{prefix}events exists; skipped", run.Stderr);
        Assert.Contains($"{prefix}views exists; skipped", run.Stderr);
        Assert.True((await EventBotTableAdmin.VerifyAsync(dynamo.Client, prefix, CancellationToken.None)).IsOk);
    }

    [Fact]
    public async Task The_script_is_committed_as_an_executable_bash_script()
    {
        // LocalStack runs ready.d/*.sh only when executable, and a clone takes the mode from git, not from this disk.
        var git = Tools.Require("git", "checking the script's committed file mode");

        var ls = await Tools.RunAsync(git, ["ls-files", "--stage", "--", Script]);

        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.StartsWith("100755 ", ls.Stdout);
        Assert.StartsWith("#!/usr/bin/env bash\n", await File.ReadAllTextAsync(Path.Combine(Tools.RepositoryRoot, Script)));
    }
}
