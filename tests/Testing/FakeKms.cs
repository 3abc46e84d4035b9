using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Testing;

/// <summary>
/// A small fake of AWS KMS's JSON protocol (no KMS emulator is reachable here), written from the API reference: POST /,
/// <c>Content-Type: application/x-amz-json-1.1</c>, <c>X-Amz-Target: TrentService.GenerateDataKey</c> or
/// <c>TrentService.Decrypt</c>; blobs are base64 in JSON; errors are 400 with <c>{"__type": …, "message": …}</c>.
/// A ciphertext blob only decrypts with the same encryption context (else <c>InvalidCiphertextException</c>), as in KMS.
/// Fault knobs: <see cref="FailNext"/> answers the next calls with an error; <see cref="Calls"/> records every target.
/// </summary>
public sealed class FakeKms : IAsyncDisposable
{
    public const string KeyArn = "arn:aws:kms:us-east-1:111122223333:key/eventbot-test";
    private readonly WebApplication _app;
    private readonly byte[] _root;
    private readonly ConcurrentQueue<(int Status, string Type)> _faults = new();

    private FakeKms(WebApplication app, Uri url, byte[] root)
    {
        _app = app;
        _root = root;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Every <c>X-Amz-Target</c> received, in order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The next <paramref name="count"/> calls answer <paramref name="status"/> with error type <paramref name="type"/>.</summary>
    public void FailNext(int count, int status = 400, string type = "ThrottlingException")
    {
        for (var i = 0; i < count; i++) _faults.Enqueue((status, type));
    }

    /// <param name="root">The fake's own key material; several fakes with the same root are one KMS key seen by
    /// several processes (each fake records its own process's calls).</param>
    public static async Task<FakeKms> StartAsync(byte[]? root = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeKms? kms = null;
        app.Run(context => kms!.HandleAsync(context));
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        kms = new FakeKms(app, new Uri(address), root ?? RandomNumberGenerator.GetBytes(32));
        return kms;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        Calls.Enqueue(target);
        using var reader = new StreamReader(context.Request.Body);
        var body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject ?? [];
        if (_faults.TryDequeue(out var fault))
        {
            await AnswerAsync(context, fault.Status, new JsonObject { ["__type"] = fault.Type, ["message"] = "injected fault" });
            return;
        }
        var encryptionContext = Canonical(body["EncryptionContext"] as JsonObject);
        switch (target)
        {
            case "TrentService.GenerateDataKey":
                if (body["KeySpec"]?.GetValue<string>() is not "AES_256" and not "AES_128" && body["NumberOfBytes"] is null)
                {
                    await AnswerAsync(context, 400, Error("ValidationException", "KeySpec or NumberOfBytes is required"));
                    return;
                }
                var size = body["KeySpec"]?.GetValue<string>() == "AES_128" ? 16 : body["NumberOfBytes"]?.GetValue<int>() ?? 32;
                var plaintext = RandomNumberGenerator.GetBytes(size);
                await AnswerAsync(context, 200, new JsonObject
                {
                    ["CiphertextBlob"] = Convert.ToBase64String(Seal(plaintext, encryptionContext)),
                    ["Plaintext"] = Convert.ToBase64String(plaintext),
                    ["KeyId"] = KeyArn,
                });
                return;
            case "TrentService.Decrypt":
                var blob = Convert.FromBase64String(body["CiphertextBlob"]?.GetValue<string>() ?? "");
                if (Open(blob, encryptionContext) is not { } opened)
                {
                    await AnswerAsync(context, 400, Error("InvalidCiphertextException", "The ciphertext or its encryption context is not valid."));
                    return;
                }
                await AnswerAsync(context, 200, new JsonObject
                {
                    ["Plaintext"] = Convert.ToBase64String(opened),
                    ["KeyId"] = KeyArn,
                    ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
                });
                return;
            default:
                await AnswerAsync(context, 400, Error("UnknownOperationException", $"{target} is not faked"));
                return;
        }
    }

    private static JsonObject Error(string type, string message) => new() { ["__type"] = type, ["message"] = message };

    private static async Task AnswerAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static byte[] Canonical(JsonObject? encryptionContext) =>
        Encoding.UTF8.GetBytes(string.Join('\n', (encryptionContext ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));

    private byte[] Seal(byte[] plaintext, byte[] aad)
    {
        var output = new byte[12 + plaintext.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(_root, 16);
        aes.Encrypt(output.AsSpan(0, 12), plaintext, output.AsSpan(12, plaintext.Length), output.AsSpan(12 + plaintext.Length), aad);
        return output;
    }

    private byte[]? Open(byte[] blob, byte[] aad)
    {
        if (blob.Length < 28) return null;
        var plain = new byte[blob.Length - 28];
        try
        {
            using var aes = new AesGcm(_root, 16);
            aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length), plain, aad);
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
