using System.Security.Cryptography;
using EventBot.EventStore.Privacy;

namespace EventBot.EventStore.Tests.Privacy;

public sealed class FieldCipherTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void A_field_round_trips_and_names_its_key()
    {
        var text = FieldCipher.Encrypt("kabc", Key, "thanks for the help 🎉", "s|1|reason");

        Assert.StartsWith("enc:v1:kabc:", text);
        Assert.Equal("kabc", FieldCipher.KeyIdOf(text));
        Assert.Equal("thanks for the help 🎉", FieldCipher.TryDecrypt(text, Key, "s|1|reason"));
        Assert.DoesNotContain("thanks", text);
    }

    [Fact]
    public void Every_encryption_uses_a_fresh_nonce() =>
        Assert.NotEqual(FieldCipher.Encrypt("k", Key, "same", "a"), FieldCipher.Encrypt("k", Key, "same", "a"));

    [Theory]
    [InlineData("s|2|reason")] // moved to another version
    [InlineData("t|1|reason")] // another stream
    [InlineData("s|1|targetName")] // another field
    public void A_ciphertext_moved_elsewhere_does_not_decrypt(string elsewhere)
    {
        var text = FieldCipher.Encrypt("k", Key, "secret", "s|1|reason");

        Assert.Null(FieldCipher.TryDecrypt(text, Key, elsewhere));
    }

    [Fact]
    public void Another_key_or_an_altered_ciphertext_does_not_decrypt()
    {
        var text = FieldCipher.Encrypt("k", Key, "secret", "a");
        var altered = text[..^4] + (text[^4] == 'A' ? 'B' : 'A') + text[^3..];

        Assert.Null(FieldCipher.TryDecrypt(text, RandomNumberGenerator.GetBytes(32), "a"));
        Assert.Null(FieldCipher.TryDecrypt(altered, Key, "a"));
        Assert.Null(FieldCipher.TryDecrypt("enc:v1:k:not base64!", Key, "a"));
    }

    [Fact]
    public void Key_ids_are_random_and_of_one_shape()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => FieldCipher.NewKeyId()).ToList();

        Assert.Equal(1000, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^k[a-z2-7]{26}$", id));
    }
}
