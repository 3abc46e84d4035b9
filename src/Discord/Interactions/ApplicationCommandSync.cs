using System.Text.Json.Nodes;

namespace EventBot.Discord.Interactions;

/// <summary>What a sync found and did. Names are sorted; <see cref="Overwritten"/> says whether a PUT was sent.</summary>
/// <param name="GuildId">The guild whose commands were synced; null for the global ones.</param>
public sealed record ApplicationCommandSyncResult(
    string ApplicationId,
    string? GuildId,
    IReadOnlyList<string> Created,
    IReadOnlyList<string> Changed,
    IReadOnlyList<string> Deleted,
    IReadOnlyList<string> Unchanged,
    bool DryRun,
    bool Overwritten)
{
    /// <summary>True when what is registered already means what is defined.</summary>
    public bool InSync => Created.Count == 0 && Changed.Count == 0 && Deleted.Count == 0;
}

/// <summary>
/// Registers the defined commands only when they differ from what Discord holds: read the registered ones, compare
/// by meaning (<see cref="ApplicationCommandJson.Canonical"/>; the order of commands does not matter, the order of
/// options does), and send one bulk overwrite when anything was created, changed or deleted. So restarts never spend
/// the daily command-create limit (200 per day per guild).
/// </summary>
public sealed class ApplicationCommandSync(IDiscordApplicationCommands commands)
{
    public Task<ApplicationCommandSyncResult> SyncAsync(string applicationId, string? guildId, IReadOnlyList<ApplicationCommand> desired, bool dryRun, CancellationToken ct) =>
        SyncAsync(applicationId, guildId, ApplicationCommandJson.ToJson(desired), dryRun, ct);

    public async Task<ApplicationCommandSyncResult> SyncAsync(string applicationId, string? guildId, JsonArray desired, bool dryRun, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var registered = await commands.GetCommandsAsync(applicationId, guildId, ct);
        var (created, changed, deleted, unchanged) = Compare(desired, registered);
        var result = new ApplicationCommandSyncResult(applicationId, guildId, created, changed, deleted, unchanged, dryRun, Overwritten: false);
        if (result.InSync || dryRun)
            return result;
        await commands.PutCommandsAsync(applicationId, guildId, desired, ct);
        return result with { Overwritten = true };
    }

    /// <summary>Pure: the names to create, change and delete (and those already right) for <paramref name="desired"/>.</summary>
    public static (IReadOnlyList<string> Created, IReadOnlyList<string> Changed, IReadOnlyList<string> Deleted, IReadOnlyList<string> Unchanged) Compare(JsonArray desired, JsonArray registered)
    {
        var wanted = Index(desired, "defined");
        var existing = Index(registered, "registered");
        List<string> created = [], changed = [], deleted = [], unchanged = [];
        foreach (var (key, command) in wanted)
        {
            if (!existing.TryGetValue(key, out var current))
                created.Add(key.Name);
            else if (JsonNode.DeepEquals(command, current))
                unchanged.Add(key.Name);
            else
                changed.Add(key.Name);
        }

        deleted.AddRange(existing.Keys.Where(k => !wanted.ContainsKey(k)).Select(k => k.Name));
        return (Sorted(created), Sorted(changed), Sorted(deleted), Sorted(unchanged));
    }

    // Commands are told apart by type and name: a user command and a slash command may share a name.
    private static Dictionary<(int Type, string Name), JsonObject> Index(JsonArray commands, string what)
    {
        var index = new Dictionary<(int, string), JsonObject>();
        foreach (var node in commands)
        {
            var canonical = ApplicationCommandJson.Canonical(node ?? throw new FormatException($"A {what} application command is null."));
            var key = ((int)canonical["type"]!, (string)canonical["name"]!);
            if (!index.TryAdd(key, canonical))
                throw new ArgumentException($"Two {what} commands are named '{key.Item2}'.", nameof(commands));
        }

        return index;
    }

    private static List<string> Sorted(List<string> names)
    {
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
