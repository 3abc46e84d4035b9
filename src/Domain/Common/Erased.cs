using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EventBot.Domain.Common;

/// <summary>
/// What personal data reads as once its key is destroyed (see docs/privacy.md), and the pseudonyms that stand for user
/// ids in stream names: <c>~</c> + the id of the user's key.
/// </summary>
public static class Erased
{
    public const string User = "[erased user]";
    public const string Text = "[erased]";
    public const string Value = "[redacted]";

    public const char PseudonymMark = '~';

    public static bool IsPseudonym(string id) => id.Length > 1 && id[0] == PseudonymMark;

    /// <summary>
    /// The stable anonymous number of an erased user: the first 63 bits of SHA-256 of their pseudonym. The same
    /// erased user stays one row on a board; it is never anyone's real id (and says nothing about it).
    /// </summary>
    public static ulong Anonymous(string pseudonym) =>
        BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(pseudonym)), 0) & 0x7FFF_FFFF_FFFF_FFFFUL;

    /// <summary>A user id from the id part of a stream name: the snowflake, or the anonymous number of a pseudonym.</summary>
    public static ulong UserIdOf(string streamIdPart) =>
        IsPseudonym(streamIdPart) ? Anonymous(streamIdPart) : ulong.Parse(streamIdPart, CultureInfo.InvariantCulture);
}
