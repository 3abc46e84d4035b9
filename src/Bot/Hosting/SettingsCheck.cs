using System.Globalization;
using EventBot.Discord;
using EventBot.Discord.Gateway;
using Microsoft.Extensions.Configuration;

namespace EventBot.Bot.Hosting;

/// <summary>A setting the bot cannot start with; the message is the one line the operator sees.</summary>
public sealed class InvalidSettingException(string message) : Exception(message);

/// <summary>
/// Checks every <c>EVENTBOT_*</c> setting (and the <c>DISCORD_*</c> sharding settings) as text, before anything binds or opens a store, so a bad value stops the bot
/// and every CLI verb alike with one line: the variable, what is wrong with its value, and what is allowed (exit code 2).
/// Binding and <c>ValidateOnStart</c> stay behind it for appsettings and tests that build the options directly.
/// </summary>
public static class SettingsCheck
{
    public const int ExitCode = 2;

    public const string NoRegion =
        "AWS_REGION is not set (nor is a region in the AWS profile) and DynamoDB needs one; allowed: a region name such as us-east-1, in AWS_REGION or the AWS_PROFILE's config";

    /// <summary>Throws <see cref="InvalidSettingException"/> naming every bad setting, in one line.</summary>
    public static void ThrowIfInvalid(IConfiguration configuration)
    {
        var problems = Problems(configuration.GetSection(EventBotEnvironment.Section)).ToList();
        problems.AddRange(DiscordProblems(configuration.GetSection(EventBotEnvironment.DiscordSection)));
        if (problems.Count > 0) throw new InvalidSettingException(string.Join("; ", problems));
    }

    /// <summary>
    /// DynamoDB mode needs a region. Checked where the default DynamoDB client is made (not with the other settings), so
    /// a host given its own client (tests, embedders) needs none.
    /// </summary>
    /// <param name="awsRegion">Resolves the AWS region as the SDK would (null: none).</param>
    public static void RequireRegion(Func<string?> awsRegion)
    {
        if (string.IsNullOrWhiteSpace(awsRegion())) throw new InvalidSettingException(NoRegion);
    }

    public static IReadOnlyList<string> Problems(IConfigurationSection section)
    {
        var problems = new List<string>();
        void Check(string? problem)
        {
            if (problem is not null) problems.Add(problem);
        }

        Check(Text(section, "Prefix", 1, 5, "1 to 5 characters, e.g. . or !"));
        Check(DataDir(section["DataDir"]));
        Check(OneOf(section, "Store", "sqlite", "dynamodb"));
        Check(OneOf(section, "Projector", "inprocess", "off"));
        Check(section["TablePrefix"] is { } prefix && (prefix.Length > 200 || prefix.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
            ? $"{Name("TablePrefix")}={Quote(prefix)} has characters DynamoDB table names cannot hold; allowed: up to 200 letters, digits, '_', '-' and '.'"
            : null);
        Check(Number(section, "ScanSegments", 1, 64, "parallel Scan segments"));
        Check(section["CreateTables"] is { } create && !bool.TryParse(create, out _)
            ? $"{Name("CreateTables")}={Quote(create)} is not true or false; allowed: true, false"
            : null);
        Check(Text(section, "ConsoleUser", 1, 32, "a name of 1 to 32 characters"));
        Check(Text(section, "ConsoleGuild", 1, 100, "a name of 1 to 100 characters"));
        Check(Number(section, "ReadYourWritesMs", 0, 60_000, "milliseconds"));
        Check(Number(section, "SparkleCooldownSeconds", 0, 86_400, "seconds; 0 turns the cooldown off"));
        foreach (var child in section.GetChildren().Where(c => c.Key.StartsWith("DeadLetters", StringComparison.OrdinalIgnoreCase)))
            Check(OneOf(section, child.Key, "skip", "stop"));
        Check(Number(section, "DeadLetterAttempts", 1, 1_000, "attempts"));
        Check(Number(section, "ShutdownSeconds", 1, 600, "seconds to answer what was read before stopping"));
        Check(Number(section, "RateLimitBurst", 1, 1_000, "commands in a row"));
        Check(Number(section, "RateLimitPerMinute", 0, 6_000, "commands per minute; 0 turns the limit off"));
        Check(Number(section, "ParallelGuilds", 1, 64, "servers at once"));
        Check(Number(section, "InteractionBudgetMs", 0, 2_500, "milliseconds before a slash command is deferred; 0 always defers"));
        Check(Number(section, "GuildRetentionDays", 0, 3_650, "days a removed server's data is kept"));
        Check(OneOf(section, "LegacyRewrite", "auto", "on", "off"));
        Check(section["SyncCommands"] is { } sync && !CommandSyncSetting.TryParse(sync, out _)
            ? $"{Name("SyncCommands")}={Quote(sync)} is not a known value; allowed: {CommandSyncSetting.Allowed}"
            : null);
        return problems;
    }

    /// <summary>The <c>DISCORD_*</c> settings checked as text (the Discord client validates the rest when it starts).</summary>
    public static IReadOnlyList<string> DiscordProblems(IConfigurationSection section)
    {
        var problems = new List<string>();
        if (section["MessageContent"] is { } content && !bool.TryParse(content, out _))
            problems.Add($"DISCORD_MESSAGE_CONTENT={Quote(content)} is not true or false; allowed: true (prefix commands everywhere; the privileged intent), false (slash commands, mentions and DMs)");
        problems.AddRange(ShardingProblems(section));
        return problems;
    }

    /// <summary>The sharding settings (<c>DISCORD_SHARD_COUNT</c>, <c>DISCORD_SHARDS</c>, <c>DISCORD_SHARD_ID</c>), checked as text like the others.</summary>
    public static IReadOnlyList<string> ShardingProblems(IConfigurationSection section)
    {
        var problems = new List<string>();
        int? count = null;
        if (section["ShardCount"] is { } countText)
        {
            if (!ShardList.TryParseCount(countText, out var parsed))
                problems.Add($"DISCORD_SHARD_COUNT={Quote(countText)} is not a shard count; allowed: {ShardList.AllowedCount}");
            else if (parsed != DiscordOptions.AutoShardCount)
                count = parsed;
        }
        else
        {
            count = 1;
        }

        if (section["Shards"] is { } shardsText)
        {
            if (string.IsNullOrWhiteSpace(shardsText))
                problems.Add($"DISCORD_SHARDS is empty; allowed: {ShardList.AllowedShards} (unset: all shards)");
            else if (!ShardList.TryParse(shardsText, out var ids, out var error))
                problems.Add($"DISCORD_SHARDS={Quote(shardsText)} {error}; allowed: {ShardList.AllowedShards}");
            else if (count is { } n && ids[^1] >= n)
                problems.Add($"DISCORD_SHARDS={Quote(shardsText)} names shard {ids[^1]}, but DISCORD_SHARD_COUNT is {n}; allowed: {ShardList.AllowedShards}");
        }
        else if (section["ShardId"] is { } idText)
        {
            if (!int.TryParse(idText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || (count is { } n && id >= n))
                problems.Add($"DISCORD_SHARD_ID={Quote(idText)} is not a shard of DISCORD_SHARD_COUNT; allowed: a whole number from 0 to the count - 1 (or DISCORD_SHARDS instead)");
        }
        return problems;
    }

    /// <summary><c>SparkleCooldownSeconds</c> → <c>EVENTBOT_SPARKLE_COOLDOWN_SECONDS</c>.</summary>
    public static string Name(string key) =>
        "EVENTBOT_" + string.Concat(key.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));

    private static string? Text(IConfigurationSection section, string key, int min, int max, string allowed)
    {
        if (section[key] is not { } value) return null;
        var length = new StringInfo(value).LengthInTextElements;
        if (string.IsNullOrWhiteSpace(value)) return $"{Name(key)} is empty; allowed: {allowed}";
        return length < min || length > max ? $"{Name(key)}={Quote(value)} is {length} characters long; allowed: {allowed}" : null;
    }

    private static string? Number(IConfigurationSection section, string key, int min, int max, string unit)
    {
        if (section[key] is not { } value) return null;
        var allowed = $"a whole number from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)} ({unit})";
        if (!int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            return $"{Name(key)}={Quote(value)} is not a whole number; allowed: {allowed}";
        return number < min || number > max ? $"{Name(key)}={Quote(value)} is out of range; allowed: {allowed}" : null;
    }

    private static string? OneOf(IConfigurationSection section, string key, params string[] allowed) =>
        section[key] is { } value && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? $"{Name(key)}={Quote(value)} is not a known value; allowed: {string.Join(", ", allowed)}"
            : null;

    private static string? DataDir(string? value)
    {
        if (value is null) return null;
        if (string.IsNullOrWhiteSpace(value)) return $"{Name("DataDir")} is empty; allowed: a directory path (created if missing)";
        return File.Exists(value) ? $"{Name("DataDir")}={Quote(value)} is a file; allowed: a directory path (created if missing)" : null;
    }

    private static string Quote(string value) => "\"" + value.ReplaceLineEndings(" ") + "\"";
}
