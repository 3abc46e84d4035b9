using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EventBot.Bot.Adapters.Http;
using NSec.Cryptography;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>Signs requests as Discord does, with a real Ed25519 key pair made for the test.</summary>
public sealed class DiscordSigner : IDisposable
{
    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });

    public string PublicKeyHex => Convert.ToHexString(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey)).ToLowerInvariant();

    public string Sign(string timestamp, byte[] body) =>
        Convert.ToHexString(SignatureAlgorithm.Ed25519.Sign(_key, [.. Encoding.UTF8.GetBytes(timestamp), .. body])).ToLowerInvariant();

    /// <summary>Headers as Discord sends them for <paramref name="body"/> at <paramref name="at"/>.</summary>
    public Dictionary<string, string> Headers(byte[] body, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [InteractionEndpoint.SignatureHeader] = Sign(timestamp, body),
            [InteractionEndpoint.TimestampHeader] = timestamp,
        };
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>Interaction bodies as Discord sends them.</summary>
public static class InteractionBodies
{
    public const string Token = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5OnNlY3JldC10b2tlbi12YWx1ZQ";

    public static byte[] Ping() => Encoding.UTF8.GetBytes("""{"id":"1","application_id":"42","type":1,"token":"t","version":1}""");

    /// <summary>A CHAT_INPUT command in a guild, e.g. <c>/remember set key:wifi value:hunter2</c>.</summary>
    public static byte[] Command(string id, string name, string? subcommand = null, IReadOnlyDictionary<string, string>? options = null,
        string user = "100000000000000001", string guild = "200000000000000002", string token = Token)
    {
        var leaf = new JsonArray();
        foreach (var (key, value) in options ?? new Dictionary<string, string>())
            leaf.Add(new JsonObject { ["name"] = key, ["type"] = 3, ["value"] = value });
        var top = subcommand is null ? leaf : new JsonArray { new JsonObject { ["name"] = subcommand, ["type"] = 1, ["options"] = leaf } };
        var body = new JsonObject
        {
            ["id"] = id,
            ["application_id"] = "42",
            ["type"] = 2,
            ["token"] = token,
            ["version"] = 1,
            ["guild_id"] = guild,
            ["channel_id"] = "300000000000000003",
            ["member"] = new JsonObject
            {
                ["permissions"] = "2147483647",
                ["user"] = new JsonObject { ["id"] = user, ["username"] = "alice", ["global_name"] = "Alice" },
            },
            ["data"] = new JsonObject { ["id"] = "500", ["name"] = name, ["type"] = 1, ["options"] = top },
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }
}
