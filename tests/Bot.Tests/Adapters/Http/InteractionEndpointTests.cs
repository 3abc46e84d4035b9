using System.Globalization;
using System.Text;
using System.Text.Json;
using EventBot.Bot.Adapters.Http;
using EventBot.Bot.Interactions;
using EventBot.Discord.Interactions;
using EventBot.Discord.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EventBot.Bot.Tests.Adapters.Http;

/// <summary>The transport-neutral endpoint both hosts call: signature first, then PING, then the handler.</summary>
public sealed class InteractionEndpointTests : IDisposable
{
    readonly DiscordSigner _signer = new();
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    readonly FakeInteractionHandler _handler = new();
    readonly CapturingLoggerProvider _logs = new();
    readonly ILoggerFactory _loggers;
    readonly List<DeferredInteraction> _queued = [];

    public InteractionEndpointTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));

    InteractionEndpoint Endpoint(string? publicKey = null) =>
        new(new InteractionSignature(publicKey ?? _signer.PublicKeyHex, _time), _handler, new ListQueue(_queued), _time, _loggers.CreateLogger<InteractionEndpoint>());

    Task<InteractionHttpResponse> Send(byte[] body, IReadOnlyDictionary<string, string>? headers = null, InteractionEndpoint? endpoint = null)
    {
        headers ??= _signer.Headers(body, _time.GetUtcNow());
        return (endpoint ?? Endpoint()).HandleAsync(new InteractionHttpRequest(h => headers.TryGetValue(h, out var v) ? v : null, body), CancellationToken.None);
    }

    static JsonElement Json(InteractionHttpResponse response) => JsonDocument.Parse(response.Body).RootElement;

    [Fact]
    public async Task A_signed_ping_answers_200_type_1()
    {
        var response = await Send(InteractionBodies.Ping());

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("""{"type":1}""", Encoding.UTF8.GetString(response.Body));
        Assert.Empty(_handler.Started);
    }

    [Fact]
    public async Task The_portals_check_a_deliberately_bad_signature_answers_401()
    {
        var body = InteractionBodies.Ping();
        var headers = _signer.Headers(body, _time.GetUtcNow());
        // The portal flips the signature: well-formed hex, wrong bytes.
        var signature = headers[InteractionEndpoint.SignatureHeader].ToCharArray();
        signature[0] = signature[0] == '0' ? '1' : '0';
        headers[InteractionEndpoint.SignatureHeader] = new string(signature);

        var response = await Send(body, headers);

        Assert.Equal(401, response.StatusCode);
        Assert.Empty(_handler.Started);
    }

    [Fact]
    public async Task A_missing_malformed_or_foreign_signature_answers_401()
    {
        var body = InteractionBodies.Command("900", "stats");
        var now = _time.GetUtcNow();
        using var stranger = new DiscordSigner();
        var cases = new List<Dictionary<string, string>>
        {
            new(StringComparer.OrdinalIgnoreCase),
            new(_signer.Headers(body, now), StringComparer.OrdinalIgnoreCase) { [InteractionEndpoint.SignatureHeader] = "not hex" },
            new(_signer.Headers(body, now), StringComparer.OrdinalIgnoreCase) { [InteractionEndpoint.SignatureHeader] = "abcd" },
            new(_signer.Headers(body, now), StringComparer.OrdinalIgnoreCase) { [InteractionEndpoint.TimestampHeader] = "yesterday" },
            stranger.Headers(body, now),
        };
        var signature = _signer.Headers(body, now)[InteractionEndpoint.SignatureHeader];
        cases.Add(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [InteractionEndpoint.SignatureHeader] = signature });

        foreach (var headers in cases)
            Assert.Equal(401, (await Send(body, headers)).StatusCode);
        // A body changed after signing.
        var tampered = InteractionBodies.Command("900", "stats", user: "100000000000000009");
        Assert.Equal(401, (await Send(tampered, _signer.Headers(body, now))).StatusCode);
        Assert.Empty(_handler.Started);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zz")]
    [InlineData("0123456789abcdef")]
    public async Task A_missing_or_malformed_public_key_refuses_everything(string key)
    {
        var response = await Send(InteractionBodies.Ping(), endpoint: Endpoint(key));

        Assert.Equal(401, response.StatusCode);
    }

    [Theory]
    [InlineData(-301, 401)]
    [InlineData(301, 401)]
    [InlineData(-299, 200)]
    [InlineData(299, 200)]
    public async Task A_timestamp_more_than_five_minutes_from_now_answers_401(int offsetSeconds, int status)
    {
        var body = InteractionBodies.Ping();
        var headers = _signer.Headers(body, _time.GetUtcNow().AddSeconds(offsetSeconds));

        Assert.Equal(status, (await Send(body, headers)).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_answers_413_and_the_next_request_is_served()
    {
        var huge = new byte[InteractionEndpoint.MaxBodyBytes + 1];
        huge.AsSpan().Fill((byte)' ');
        var endpoint = Endpoint();

        Assert.Equal(413, (await Send(huge, endpoint: endpoint)).StatusCode);
        Assert.Equal(200, (await Send(InteractionBodies.Ping(), endpoint: endpoint)).StatusCode);
    }

    [Fact]
    public async Task A_signed_body_that_is_not_an_interaction_answers_400()
    {
        Assert.Equal(400, (await Send("not json"u8.ToArray())).StatusCode);
        Assert.Equal(400, (await Send("""{"type":2}"""u8.ToArray())).StatusCode);
    }

    [Fact]
    public async Task A_command_goes_to_the_handler_parsed_and_its_answer_is_the_response()
    {
        var body = InteractionBodies.Command("901", "remember", "set", new Dictionary<string, string> { ["key"] = "wifi", ["value"] = "hunter2" });

        var response = await Send(body);

        Assert.Equal(200, response.StatusCode);
        var started = Assert.Single(_handler.Started);
        Assert.Equal(("901", "42", InteractionType.ApplicationCommand, InteractionBodies.Token), (started.Id, started.ApplicationId, started.Type, started.Token));
        Assert.Equal(("200000000000000002", "300000000000000003", "100000000000000001"), (started.GuildId, started.ChannelId, started.User.Id));
        Assert.Equal("remember", started.Data!.Name);
        var set = Assert.Single(started.Data.Options);
        Assert.Equal(("set", ApplicationCommandOptionType.SubCommand), (set.Name, set.Type));
        Assert.Equal(["key=wifi", "value=hunter2"], set.Options.Select(o => $"{o.Name}={o.Value!.Value.GetString()}"));

        var json = Json(response);
        Assert.Equal(4, json.GetProperty("type").GetInt32());
        Assert.Equal("done: remember", json.GetProperty("data").GetProperty("content").GetString());
        Assert.Equal(0, json.GetProperty("data").GetProperty("allowed_mentions").GetProperty("parse").GetArrayLength());
        Assert.Empty(_queued);
    }

    [Fact]
    public async Task A_deferral_is_queued_with_its_signed_body_before_type_5_is_answered()
    {
        var running = new TaskCompletionSource<InteractionMessage>();
        _handler.Start = _ => new InteractionStart(new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource), running.Task);
        var body = InteractionBodies.Command("902", "stats");

        var response = await Send(body);

        Assert.Equal(5, JsonDocument.Parse(response.Body).RootElement.GetProperty("type").GetInt32());
        var queued = Assert.Single(_queued);
        Assert.Equal("902", queued.Interaction.Id);
        Assert.Equal(body, queued.Body.ToArray());
        Assert.Same(running.Task, queued.Running);
        Assert.DoesNotContain(InteractionBodies.Token, queued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_handler_answers_500_and_no_log_line_holds_the_token()
    {
        _handler.Start = i => throw new InvalidOperationException("boom in " + i);

        var response = await Send(InteractionBodies.Command("903", "stats"));
        await Send(InteractionBodies.Command("904", "stats"), new Dictionary<string, string>());
        await Send("""{"token":"aW50ZXJhY3Rpb246MTIzNDU2Nzg5OnNlY3JldC10b2tlbi12YWx1ZQ"}"""u8.ToArray());
        await Send(InteractionBodies.Command("905", "stats"));

        Assert.Equal(500, response.StatusCode);
        Assert.Contains("903", _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(InteractionBodies.Token, _logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_checks_name_each_doubt()
    {
        var body = InteractionBodies.Ping();
        var now = _time.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var check = new InteractionSignature(_signer.PublicKeyHex, _time);

        Assert.Equal(SignatureCheck.Valid, check.Check(_signer.Sign(timestamp, body), timestamp, body));
        Assert.Equal(SignatureCheck.Missing, check.Check(null, timestamp, body));
        Assert.Equal(SignatureCheck.Malformed, check.Check("00", timestamp, body));
        Assert.Equal(SignatureCheck.Bad, check.Check(new string('0', 128), timestamp, body));
        Assert.Equal(SignatureCheck.NoKey, new InteractionSignature(null, _time).Check(_signer.Sign(timestamp, body), timestamp, body));
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(SignatureCheck.Stale, check.Check(_signer.Sign(timestamp, body), timestamp, body));
    }

    public void Dispose()
    {
        _signer.Dispose();
        _loggers.Dispose();
    }

    sealed class ListQueue(List<DeferredInteraction> into) : IInteractionQueue
    {
        public Task EnqueueAsync(DeferredInteraction deferred, CancellationToken ct)
        {
            into.Add(deferred);
            return Task.CompletedTask;
        }
    }
}
