using System.Security.Cryptography;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace EventBot.EventStore.Privacy;

/// <summary>A new data key: its bytes, and the same bytes wrapped by the master key (what the key store keeps).</summary>
public sealed record GeneratedKey(byte[] Plaintext, string Wrapped);

/// <summary>The root of the key hierarchy: wraps guild keys and the lookup key (docs/privacy.md).</summary>
public interface IMasterKey
{
    /// <summary>Names the master key in key rows, so a key wrapped by another master is recognised as such.</summary>
    string Id { get; }

    Task<GeneratedKey> GenerateAsync(string keyId, CancellationToken ct);

    Task<byte[]> UnwrapAsync(string keyId, string wrapped, CancellationToken ct);
}

/// <summary>
/// A master key in a local file (SQLite and console): 32 random bytes, base64, created at first run with owner-only
/// permissions (0600). Its bytes are never logged; <see cref="Id"/> is a fingerprint, not the key.
/// </summary>
public sealed class LocalKeyFile : IMasterKey
{
    private readonly byte[] _key;

    private LocalKeyFile(byte[] key, string path)
    {
        _key = key;
        Path = path;
        Id = "file:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("eventbot-master-fingerprint:" + Convert.ToBase64String(key))))[..16];
    }

    public string Path { get; }

    public string Id { get; }

    /// <summary>Reads the key file, or creates it (0600) when it does not exist yet.</summary>
    public static LocalKeyFile OpenOrCreate(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        if (!File.Exists(full))
        {
            var key = RandomNumberGenerator.GetBytes(FieldCipher.KeySize);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var stream = new FileStream(full, options);
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
                stream.Flush(flushToDisk: true);
                return new LocalKeyFile(key, full);
            }
            catch (IOException) when (File.Exists(full))
            {
                // Another process created it first: read theirs.
            }
        }
        var text = File.ReadAllText(full).Trim();
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The key file {full} is not a base64 key.");
        }
        if (bytes.Length != FieldCipher.KeySize) throw new InvalidOperationException($"The key file {full} does not hold a 32-byte key.");
        return new LocalKeyFile(bytes, full);
    }

    public Task<GeneratedKey> GenerateAsync(string keyId, CancellationToken ct)
    {
        var plain = RandomNumberGenerator.GetBytes(FieldCipher.KeySize);
        return Task.FromResult(new GeneratedKey(plain, Convert.ToBase64String(FieldCipher.Seal(_key, plain, Encoding.UTF8.GetBytes(keyId)))));
    }

    public Task<byte[]> UnwrapAsync(string keyId, string wrapped, CancellationToken ct) =>
        Task.FromResult(FieldCipher.TryOpen(_key, Convert.FromBase64String(wrapped), Encoding.UTF8.GetBytes(keyId))
            ?? throw new CryptographicException($"Key {keyId} was not wrapped by this key file."));
}

/// <summary>
/// AWS KMS as the master key: <c>GenerateDataKey</c> (AES_256) for a new key and <c>Decrypt</c> to unwrap one, with the
/// key id as encryption context so a wrapped key only unwraps as itself.
/// </summary>
public sealed class KmsMasterKey(IAmazonKeyManagementService kms, string kmsKeyId) : IMasterKey
{
    public const string ContextName = "eventbot:key";

    public string Id => "kms:" + kmsKeyId;

    public async Task<GeneratedKey> GenerateAsync(string keyId, CancellationToken ct)
    {
        var response = await kms.GenerateDataKeyAsync(new GenerateDataKeyRequest
        {
            KeyId = kmsKeyId,
            KeySpec = DataKeySpec.AES_256,
            EncryptionContext = new() { [ContextName] = keyId },
        }, ct);
        return new GeneratedKey(response.Plaintext.ToArray(), Convert.ToBase64String(response.CiphertextBlob.ToArray()));
    }

    public async Task<byte[]> UnwrapAsync(string keyId, string wrapped, CancellationToken ct)
    {
        var response = await kms.DecryptAsync(new DecryptRequest
        {
            KeyId = kmsKeyId,
            CiphertextBlob = new MemoryStream(Convert.FromBase64String(wrapped)),
            EncryptionContext = new() { [ContextName] = keyId },
        }, ct);
        return response.Plaintext.ToArray();
    }
}
