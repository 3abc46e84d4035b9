using System.Security.Cryptography;

namespace EventBot.Bot.Features.Play;

/// <summary>Where games get their chance from: injected, so tests script it; the drawn outcome is stored in the event.</summary>
public interface IRandomSource
{
    /// <summary>A uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    int Next(int minInclusive, int maxExclusive);
}

/// <summary>The production source: the OS's cryptographic generator, so nobody can predict the bot's hand.</summary>
public sealed class CryptoRandomSource : IRandomSource
{
    public int Next(int minInclusive, int maxExclusive) => RandomNumberGenerator.GetInt32(minInclusive, maxExclusive);
}
