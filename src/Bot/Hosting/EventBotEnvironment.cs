using System.Text;
using Microsoft.Extensions.Configuration;

namespace EventBot.Bot.Hosting;

/// <summary>
/// Maps <c>EVENTBOT_DATA_DIR</c>-style variables onto the <c>EventBot:DataDir</c> section (and <c>DISCORD_TOKEN</c>
/// onto <c>Discord:Token</c>), so one options class binds from environment variables, appsettings.json and user
/// secrets alike.
/// </summary>
public static class EventBotEnvironment
{
    public const string Section = "EventBot";
    public const string DiscordSection = "Discord";

    public static IConfigurationBuilder AddEventBotEnvironment(this IConfigurationBuilder builder, IDictionary<string, string?>? variables = null)
    {
        var source = variables ?? Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        var mapped = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in source)
        {
            if (name.StartsWith("EVENTBOT_", StringComparison.Ordinal))
                mapped[$"{Section}:{Pascal(name["EVENTBOT_".Length..])}"] = value;
            else if (name.StartsWith("DISCORD_", StringComparison.Ordinal))
                mapped[$"{DiscordSection}:{Pascal(name["DISCORD_".Length..])}"] = value;
        }
        return builder.AddInMemoryCollection(mapped);
    }

    private static string Pascal(string snake)
    {
        var result = new StringBuilder(snake.Length);
        foreach (var part in snake.Split('_', StringSplitOptions.RemoveEmptyEntries))
            result.Append(char.ToUpperInvariant(part[0])).Append(part[1..].ToLowerInvariant());
        return result.ToString();
    }
}
