namespace EventBot.Bot.Adapters.Console;

/// <summary>
/// The console users seen in one data directory (<c>console-users.txt</c>, one name a line): a console user is seen
/// once the bot has run as them (<c>EVENTBOT_CONSOLE_USER</c>). <c>@name</c> of anyone else is not a mention, so
/// nobody never seen gets a sparkle or a board place. Names match ignoring case, as mentions do. Forget-me removes the
/// user's line (<see cref="ForgetAsync"/>): the name is personal data too (docs/privacy.md).
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

    /// <summary>
    /// Removes the line of every name that is <paramref name="user"/> (the console maps a name to its id by
    /// <see cref="Domain.Common.UserId.FromName"/>); true when one was there. The file is replaced whole (a temporary
    /// file moved over it), so a crash leaves either the old list or the new one.
    /// </summary>
    public static async Task<bool> ForgetAsync(string dataDir, Domain.Common.UserId user, CancellationToken ct)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path)) return false;
        var lines = await File.ReadAllLinesAsync(path, ct);
        var kept = lines.Where(l => l.Trim().Length > 0 && Domain.Common.UserId.FromName(l.Trim()) != user).ToList();
        if (kept.Count == lines.Count(l => l.Trim().Length > 0)) return false;
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, string.Concat(kept.Select(l => l.Trim() + "\n")), ct);
        File.Move(temporary, path, overwrite: true);
        return true;
    }
}
