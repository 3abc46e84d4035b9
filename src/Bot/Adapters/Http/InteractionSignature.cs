using System.Globalization;
using System.Text;
using NSec.Cryptography;

namespace EventBot.Bot.Adapters.Http;

/// <summary>
/// Discord's request signature (Developer docs: Interactions › Receiving and Responding › Security and
/// Authorization): <c>X-Signature-Ed25519</c> is the hex Ed25519 signature, with the application's public key, of
/// <c>X-Signature-Timestamp</c> followed by the raw body. Anything in doubt is refused: a key that is not 32 bytes of
/// hex, a signature that is not 64 bytes of hex, a timestamp that is not unix seconds or lies more than
/// <see cref="MaxClockSkew"/> from now (a replayed request).
/// </summary>
public sealed class InteractionSignature
{
    /// <summary>How far the signed timestamp may be from our clock either way.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly PublicKey? _key;
    private readonly TimeProvider _time;

    /// <param name="publicKeyHex">DISCORD_PUBLIC_KEY as the Developer Portal shows it (64 hex digits). A malformed or
    /// missing key is not an error here: every request is then refused (the portal's check fails, loudly enough).</param>
    public InteractionSignature(string? publicKeyHex, TimeProvider time)
    {
        _time = time;
        if (TryHex(publicKeyHex, 32, out var raw) && PublicKey.TryImport(Ed25519, raw, KeyBlobFormat.RawPublicKey, out var key))
            _key = key;
    }

    /// <summary>False when the configured key could not be read: nothing will verify.</summary>
    public bool HasKey => _key is not null;

    public SignatureCheck Check(string? signatureHex, string? timestamp, ReadOnlySpan<byte> body)
    {
        if (_key is null) return SignatureCheck.NoKey;
        if (string.IsNullOrEmpty(signatureHex) || string.IsNullOrEmpty(timestamp)) return SignatureCheck.Missing;
        if (!TryHex(signatureHex, Ed25519.SignatureSize, out var signature)) return SignatureCheck.Malformed;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return SignatureCheck.Malformed;

        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + body.Length];
        var written = Encoding.UTF8.GetBytes(timestamp, signed);
        body.CopyTo(signed.AsSpan(written));
        if (!Ed25519.Verify(_key, signed, signature)) return SignatureCheck.Bad;

        // Checked after the signature, so an attacker learns nothing about our clock from unsigned requests.
        var skew = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return skew.Duration() > MaxClockSkew ? SignatureCheck.Stale : SignatureCheck.Valid;
    }

    private static bool TryHex(string? hex, int bytes, out byte[] value)
    {
        value = [];
        if (hex is null || hex.Length != bytes * 2) return false;
        try
        {
            value = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>The outcome of <see cref="InteractionSignature.Check"/>; only <see cref="Valid"/> lets a request in.</summary>
public enum SignatureCheck
{
    Valid,
    NoKey,
    Missing,
    Malformed,
    Bad,
    Stale,
}
