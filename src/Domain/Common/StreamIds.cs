namespace EventBot.Domain.Common;

/// <summary>
/// Stream ids are small and per aggregate instance: <c>{category}/{guild}/{id}</c>. The id part is the
/// normalised text, percent-encoded (UTF-8), so '/', '#', spaces and emoji can never break the shape.
/// </summary>
public static class StreamIds
{
    /// <summary>Encoded ids longer than this are shortened to a prefix plus a hash, so any key fits DynamoDB's key limits.</summary>
    public const int MaxEncodedId = 240;

    public static string For(string category, GuildId guild, string id) => $"{category}/{guild}/{EncodeId(id)}";

    /// <summary>
    /// Percent-encoded UTF-8; 64 visible characters can be kilobytes (emoji sequences, combining marks), so a long
    /// encoding keeps a readable prefix and ends in a SHA-256 of the whole id: still unique, still stable.
    /// </summary>
    public static string EncodeId(string id)
    {
        var encoded = Uri.EscapeDataString(id);
        if (encoded.Length <= MaxEncodedId) return encoded;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));
        var cut = 160;
        // Never cut inside a %XX escape.
        var percent = encoded.LastIndexOf('%', cut - 1);
        if (percent >= 0 && percent > cut - 3) cut = percent;
        return $"{encoded[..cut]}~{hash}";
    }

    /// <summary>
    /// The parts of a stream id, the id part decoded. Ids shortened by <see cref="EncodeId"/> do not decode back:
    /// use this for ids that are short by nature (user ids), and carry text keys in the events themselves.
    /// </summary>
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
