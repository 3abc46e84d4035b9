namespace EventBot.Domain.Common;

/// <summary>
/// Stream ids are small and per aggregate instance: <c>{category}/{guild}/{id}</c>. The id part is the
/// normalised text, percent-encoded (UTF-8), so '/', '#', spaces and emoji can never break the shape.
/// </summary>
public static class StreamIds
{
    public static string For(string category, GuildId guild, string id) => $"{category}/{guild}/{Uri.EscapeDataString(id)}";

    public static (string Category, string Guild, string Id) Split(string streamId)
    {
        var parts = streamId.Split('/');
        if (parts.Length != 3) throw new FormatException($"'{streamId}' is not a category/guild/id stream id");
        return (parts[0], parts[1], Uri.UnescapeDataString(parts[2]));
    }

    public static string Category(string streamId)
    {
        var slash = streamId.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? streamId : streamId[..slash];
    }
}
