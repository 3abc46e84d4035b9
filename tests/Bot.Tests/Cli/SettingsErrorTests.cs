using EventBot.Bot.Hosting;
using EventBot.Testing;

namespace EventBot.Bot.Tests.Cli;

/// <summary>
/// A bad setting stops the bot and every verb the same way: one line on standard error naming the variable, what is
/// wrong with the value and what is allowed; exit code 2; nothing created, nothing on standard output.
/// </summary>
[Collection(DynamoDbLocalFixture.Collection)]
public sealed class SettingsErrorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eventbot-tests", Guid.NewGuid().ToString("N"));

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "EVENTBOT_PREFIX", "toolong", "EVENTBOT_PREFIX=\"toolong\" is 7 characters long; allowed: 1 to 5 characters, e.g. . or !" },
        { "EVENTBOT_SPARKLE_COOLDOWN_SECONDS", "-3", "EVENTBOT_SPARKLE_COOLDOWN_SECONDS=\"-3\" is out of range; allowed: a whole number from 0 to 86,400 (seconds; 0 turns the cooldown off)" },
        { "EVENTBOT_SPARKLE_COOLDOWN_SECONDS", "soon", "EVENTBOT_SPARKLE_COOLDOWN_SECONDS=\"soon\" is not a whole number; allowed: a whole number from 0 to 86,400 (seconds; 0 turns the cooldown off)" },
        { "EVENTBOT_STORE", "foo", "EVENTBOT_STORE=\"foo\" is not a known value; allowed: sqlite, dynamodb" },
        { "EVENTBOT_DEAD_LETTERS", "maybe", "EVENTBOT_DEAD_LETTERS=\"maybe\" is not a known value; allowed: skip, stop" },
        { "EVENTBOT_DEAD_LETTERS_SPARKLE_TOTALS", "later", "EVENTBOT_DEAD_LETTERS_SPARKLE_TOTALS=\"later\" is not a known value; allowed: skip, stop" },
        { "EVENTBOT_CONSOLE_USER", "", "EVENTBOT_CONSOLE_USER is empty; allowed: a name of 1 to 32 characters" },
        { "EVENTBOT_READ_YOUR_WRITES_MS", "5s", "EVENTBOT_READ_YOUR_WRITES_MS=\"5s\" is not a whole number; allowed: a whole number from 0 to 60,000 (milliseconds)" },
        { "EVENTBOT_CREATE_TABLES", "yes", "EVENTBOT_CREATE_TABLES=\"yes\" is not true or false; allowed: true, false" },
        { "EVENTBOT_SHUTDOWN_SECONDS", "0", "EVENTBOT_SHUTDOWN_SECONDS=\"0\" is out of range; allowed: a whole number from 1 to 600 (seconds to answer what was read before stopping)" },
        { "EVENTBOT_RATE_LIMIT_PER_MINUTE", "lots", "EVENTBOT_RATE_LIMIT_PER_MINUTE=\"lots\" is not a whole number; allowed: a whole number from 0 to 6,000 (commands per minute; 0 turns the limit off)" },
        { "EVENTBOT_PARALLEL_GUILDS", "100", "EVENTBOT_PARALLEL_GUILDS=\"100\" is out of range; allowed: a whole number from 1 to 64 (servers at once)" },
        { "EVENTBOT_SYNC_COMMANDS", "guild:abc", "EVENTBOT_SYNC_COMMANDS=\"guild:abc\" is not a known value; allowed: off, global, guild:<server id>" },
        { "DISCORD_MESSAGE_CONTENT", "maybe", "DISCORD_MESSAGE_CONTENT=\"maybe\" is not true or false; allowed: true (prefix commands everywhere; the privileged intent), false (slash commands, mentions and DMs)" },
    };

    public static TheoryData<string> Verbs => new() { "run", "history --guild ops", "replay", "replay --verify", "projections status", "projections errors", "seed --events 5", "tables verify", "projector", "commands sync" };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_the_bot_with_one_line_and_exit_code_2(string variable, string value, string expected)
    {
        var (exit, output, error) = await CliRunner.RunAsync(Environment(variable, value), "run");

        Assert.Equal(2, exit);
        Assert.Equal($"eventbot: {expected}\n", error);
        Assert.Equal("", output);
        Assert.False(Directory.Exists(_dir));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Every_verb_stops_the_same_way(string verb)
    {
        var (exit, output, error) = await CliRunner.RunAsync(Environment("EVENTBOT_PREFIX", "toolong"), verb.Split(' '));

        Assert.Equal(2, exit);
        Assert.Equal("eventbot: EVENTBOT_PREFIX=\"toolong\" is 7 characters long; allowed: 1 to 5 characters, e.g. . or !\n", error);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task A_data_dir_that_is_a_file_is_named()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (exit, _, error) = await CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = file }, "history", "--guild", "ops");

            Assert.Equal(2, exit);
            Assert.Equal($"eventbot: EVENTBOT_DATA_DIR=\"{file}\" is a file; allowed: a directory path (created if missing)\n", error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void DynamoDB_without_a_region_is_named()
    {
        var error = Assert.Throws<InvalidSettingException>(() => SettingsCheck.RequireRegion(awsRegion: () => null));
        SettingsCheck.RequireRegion(awsRegion: () => "eu-west-1");

        Assert.Equal("AWS_REGION is not set (nor is a region in the AWS profile) and DynamoDB needs one; allowed: a region name such as us-east-1, in AWS_REGION or the AWS_PROFILE's config", error.Message);
    }

    [Fact]
    public async Task DynamoDB_without_a_region_stops_a_verb_with_exit_code_2()
    {
        // The SDK caches the region it found for the process (other tests set AWS_REGION): look again, and after.
        Amazon.Runtime.FallbackRegionFactory.Reset();
        (int, string, string) run;
        try
        {
            run = await CliRunner.RunAsync(new Dictionary<string, string?>
            {
                ["EVENTBOT_DATA_DIR"] = _dir,
                ["EVENTBOT_STORE"] = "dynamodb",
                ["AWS_REGION"] = null,
                ["AWS_DEFAULT_REGION"] = null,
                ["AWS_PROFILE"] = "eventbot-test-profile-that-does-not-exist",
                // Not on EC2: the metadata endpoint would only time out.
                ["AWS_EC2_METADATA_DISABLED"] = "true",
            }, "projections", "status");
        }
        finally
        {
            Amazon.Runtime.FallbackRegionFactory.Reset();
        }
        var (exit, _, error) = run;

        Assert.Equal(2, exit);
        Assert.StartsWith("eventbot: AWS_REGION is not set", error, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Environment(string variable, string value) =>
        new() { ["EVENTBOT_DATA_DIR"] = _dir, [variable] = value };

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
