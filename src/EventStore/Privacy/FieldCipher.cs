using System.Security.Cryptography;
using System.Text;

namespace EventBot.EventStore.Privacy;

/// <summary>
/// AES-256-GCM for one field: <c>enc:v1:&lt;key id&gt;:&lt;base64(nonce ‖ ciphertext ‖ tag)&gt;</c>, a fresh random nonce per
/// field, and associated data that binds the ciphertext to where it belongs (stream, version or source, field), so a
/// ciphertext moved elsewhere fails authentication.
/// </summary>
public static class FieldCipher
{
    public const string Prefix = "enc:v1:";
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static bool IsCiphertext(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    public static string Encrypt(string keyId, ReadOnlySpan<byte> key, string plaintext, string associatedData)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = Seal(key, plain, Encoding.UTF8.GetBytes(associatedData));
        return $"{Prefix}{keyId}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>The key id a ciphertext names, or null when the text is not one of ours.</summary>
    public static string? KeyIdOf(string text)
    {
        if (!IsCiphertext(text)) return null;
        var colon = text.IndexOf(':', Prefix.Length);
        return colon < 0 ? null : text[Prefix.Length..colon];
    }

    /// <summary>The plaintext, or null when it does not authenticate (wrong key, moved, altered, malformed).</summary>
    public static string? TryDecrypt(string text, ReadOnlySpan<byte> key, string associatedData)
    {
        var colon = text.IndexOf(':', Prefix.Length);
        if (!IsCiphertext(text) || colon < 0) return null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
        var plain = TryOpen(key, bytes, Encoding.UTF8.GetBytes(associatedData));
        return plain is null ? null : Encoding.UTF8.GetString(plain);
    }

    /// <summary>nonce ‖ ciphertext ‖ tag.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), associatedData);
        return output;
    }

    public static byte[]? TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData)
    {
        if (sealedBytes.Length < NonceSize + TagSize) return null;
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes[..NonceSize], sealedBytes.Slice(NonceSize, length), sealedBytes[(NonceSize + length)..], plain, associatedData);
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>A new random key id: <c>k</c> + 26 lower-case base32 characters (130 bits).</summary>
    public static string NewKeyId()
    {
        Span<byte> bytes = stackalloc byte[17];
        RandomNumberGenerator.Fill(bytes);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new StringBuilder("k", 27);
        ulong buffer = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5 && text.Length < 27)
            {
                bits -= 5;
                text.Append(alphabet[(int)((buffer >> bits) & 31)]);
            }
        }
        return text.ToString();
    }
}
