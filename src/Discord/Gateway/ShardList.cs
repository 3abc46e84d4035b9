using System.Globalization;

namespace EventBot.Discord.Gateway;

/// <summary>
/// The two sharding settings as text: the total (<c>auto</c> or a whole number) and which shards one process runs
/// (<c>0-3</c>, <c>0,2</c>, <c>0-3,8-11</c>). One parser for the start-up check and the options validator, so both
/// say the same thing.
/// </summary>
public static class ShardList
{
    /// <summary>Discord's docs show bots with thousands of shards; beyond this a value is a typo.</summary>
    public const int MaxShardCount = 100_000;

    public const string AllowedCount = "auto (the count GET /gateway/bot recommends) or a whole number from 1 to 100,000";

    public const string AllowedShards = "shard ids or ranges below the shard count, e.g. 0-3 or 0,2 or 0-3,8-11";

    /// <summary>Reads a shard count; <see cref="DiscordOptions.AutoShardCount"/> for <c>auto</c>.</summary>
    public static bool TryParseCount(string text, out int count)
    {
        var value = text.Trim();
        if (value.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            count = DiscordOptions.AutoShardCount;
            return true;
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count is >= 1 and <= MaxShardCount;
    }

    /// <summary>Reads a shard list into ascending ids; <paramref name="error"/> says what is wrong, in a few words.</summary>
    public static bool TryParse(string text, out IReadOnlyList<int> shards, out string error)
    {
        var ids = new SortedSet<int>();
        shards = [];
        error = "";
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var (first, last) = dash < 0 ? (part, part) : (part[..dash].Trim(), part[(dash + 1)..].Trim());
            if (!Id(first, out var from) || !Id(last, out var to))
            {
                error = part.Length == 0 ? "has an empty entry" : $"has \"{part}\", which is neither a shard id nor a range";
                return false;
            }
            if (to < from)
            {
                error = $"has the range {from}-{to}, which runs backwards";
                return false;
            }
            for (var id = from; id <= to; id++)
            {
                if (!ids.Add(id))
                {
                    error = $"lists shard {id} twice";
                    return false;
                }
            }
        }
        shards = [.. ids];
        return true;

        static bool Id(string s, out int id) =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id < MaxShardCount;
    }

    /// <summary>
    /// The shards one process runs: <paramref name="shards"/> when set, else all of <paramref name="count"/>. Throws
    /// <see cref="ArgumentException"/> with the reason when the list does not parse or names a shard ≥ count.
    /// </summary>
    public static IReadOnlyList<int> Resolve(string? shards, int count)
    {
        if (string.IsNullOrWhiteSpace(shards)) return [.. Enumerable.Range(0, count)];
        if (!TryParse(shards, out var ids, out var error)) throw new ArgumentException($"the shard list \"{shards}\" {error}");
        if (ids[^1] >= count) throw new ArgumentException($"the shard list \"{shards}\" names shard {ids[^1]}, but there are only {count} shard(s) (ids 0 to {count - 1})");
        return ids;
    }

    /// <summary>Ids as ranges, the way they are written: <c>0-3,8</c>.</summary>
    public static string Describe(IReadOnlyList<int> shards)
    {
        var parts = new List<string>();
        for (var i = 0; i < shards.Count;)
        {
            var j = i;
            while (j + 1 < shards.Count && shards[j + 1] == shards[j] + 1) j++;
            parts.Add(j == i ? shards[i].ToString(CultureInfo.InvariantCulture) : $"{shards[i]}-{shards[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }
}
