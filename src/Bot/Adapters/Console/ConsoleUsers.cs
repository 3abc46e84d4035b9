namespace EventBot.Bot.Adapters.Console;

/// <summary>
/// The console users seen in one data directory (<c>console-users.txt</c>, one name a line): a console user is seen
/// once the bot has run as them (<c>EVENTBOT_CONSOLE_USER</c>). <c>@name</c> of anyone else is not a mention, so
/// nobody never seen gets a sparkle or a board place. Names match ignoring case, as mentions do.
/// </summary>
public sealed class ConsoleUsers
{
    public const string FileName = "console-users.txt";

    private readonly HashSet<string> _names;

    private ConsoleUsers(HashSet<string> names) => _names = names;

    /// <summary>The name as that user runs the bot (so <c>@Bob</c> is the user <c>bob</c>, one id), or null if never seen.</summary>
    public string? Known(string name) => _names.TryGetValue(name, out var seen) ? seen : null;

    /// <summary>Reads the names seen in <paramref name="dataDir"/> and adds <paramref name="user"/> (written at once, so the next run knows them).</summary>
    public static async Task<ConsoleUsers> JoinAsync(string dataDir, string user, CancellationToken ct)
    {
        var path = Path.Combine(dataDir, FileName);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (File.Exists(path))
            foreach (var line in await File.ReadAllLinesAsync(path, ct))
                if (line.Trim().Length > 0) names.Add(line.Trim());
        if (names.Add(user))
        {
            Directory.CreateDirectory(dataDir);
            await File.AppendAllTextAsync(path, user + "\n", ct);
        }
        return new ConsoleUsers(names);
    }
}
