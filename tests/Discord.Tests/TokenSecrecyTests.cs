using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using EventBot.Discord.Interactions;
using EventBot.Discord.Tests.Fake;
using EventBot.Discord.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Discord.Tests;

/// <summary>
/// The bot token and every interaction token are sent to Discord and nowhere else: not in logs (any level), exception
/// messages, span tags or metric tags.
/// </summary>
public sealed class TokenSecrecyTests
{
    [Fact]
    public async Task Token_NeverAppearsInLogsOrExceptions_AcrossFailures()
    {
        var errors = new List<Exception>();
        await using var discord = await TestDiscord.StartAsync(s =>
        {
            // No heartbeat before the 4004: this test is about what the client says on the way out, not zombies. 50 ms
            // (real) here let a busy CI host's heartbeat timer fire before it read the close frame, and it reconnected.
            s.HeartbeatIntervalMs = 3_600_000;
            s.CloseCodeOnNextIdentify = 4004;
        });
        discord.StartGateway();
        errors.Add(await Assert.ThrowsAsync<DiscordGatewayFatalException>(() => discord.RunTask.WaitAsync(Wait.DefaultTimeout)));

        discord.Server.EnqueueRest(FakeRestResponse.RateLimited(0.1), FakeRestResponse.ServerError(), new FakeRestResponse(400, """{"message":"Invalid Form Body","code":50035}"""));
        errors.Add(await Assert.ThrowsAsync<DiscordRestException>(() => discord.Rest.SendReplyAsync("300000000000000003", "500000000000000005", "hi", null, CancellationToken.None)));
        discord.Server.EnqueueRest(FakeRestResponse.Unauthorized());
        errors.Add(await Assert.ThrowsAsync<DiscordAuthenticationException>(() => discord.Rest.GetCurrentUserAsync(CancellationToken.None)));
        errors.Add(await Assert.ThrowsAsync<DiscordAuthenticationException>(() => discord.Rest.GetCurrentUserAsync(CancellationToken.None)));

        // The check itself must be able to fail: the token did go over the wire.
        Assert.Contains(discord.Server.Requests, r => r.Authorization!.Contains(FakeDiscordServer.DefaultToken, StringComparison.Ordinal));
        Assert.NotEmpty(discord.Logs.Entries);
        Assert.DoesNotContain(FakeDiscordServer.DefaultToken, discord.Logs.AllText, StringComparison.Ordinal);
        Assert.All(errors, e => Assert.DoesNotContain(FakeDiscordServer.DefaultToken, e.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task InteractionToken_NeverAppearsInLogsExceptionsSpansOrMetrics_AcrossFailures()
    {
        var tags = new List<string>();
        using var spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DiscordTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (tags)
                    tags.AddRange(activity.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(activity.DisplayName));
            },
        };
        ActivitySource.AddActivityListener(spans);
        using var meters = new MeterListener { InstrumentPublished = (instrument, listener) => { if (instrument.Meter.Name == DiscordTelemetry.Name) listener.EnableMeasurementEvents(instrument); } };
        meters.SetMeasurementEventCallback<long>((_, _, measurementTags, _) =>
        {
            lock (tags)
                tags.AddRange(measurementTags.ToArray().Select(t => $"{t.Key}={t.Value}"));
        });
        meters.Start();
        var errors = new List<Exception>();
        await using var discord = await TestDiscord.StartAsync(configureOptions: o => o.MaxRateLimitRetries = 1);
        var tokens = new List<string>();
        DiscordInteraction New(string id)
        {
            var json = FakeInteractions.Command(id, "remember");
            discord.Server.RegisterInteraction(json);
            using var doc = JsonDocument.Parse(json.ToJsonString());
            var interaction = DiscordInteractionJson.Parse(doc.RootElement);
            tokens.Add(interaction.Token);
            return interaction;
        }

        var reply = new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("hi"));
        var expired = New("700000000000000501");
        discord.Server.ExpireInteraction(expired.Id);
        errors.Add(await Assert.ThrowsAsync<DiscordInteractionExpiredException>(() => discord.Rest.RespondAsync(expired, reply, CancellationToken.None)));
        var limited = New("700000000000000502");
        discord.Server.EnqueueCallback(FakeRestResponse.RateLimited(0.1), FakeRestResponse.RateLimited(0.1));
        errors.Add(await Assert.ThrowsAsync<DiscordRestException>(() => discord.Rest.RespondAsync(limited, reply, CancellationToken.None)));
        var invalid = New("700000000000000503");
        discord.Server.EnqueueCallback(FakeRestResponse.ServerError(), new FakeRestResponse(400, """{"message":"Invalid Form Body","code":50035}"""));
        errors.Add(await Assert.ThrowsAsync<DiscordRestException>(() => discord.Rest.RespondAsync(invalid, reply, CancellationToken.None)));
        errors.Add(await Assert.ThrowsAsync<DiscordInteractionExpiredException>(() => discord.Rest.EditOriginalAsync(expired.ApplicationId, expired.Token, new InteractionMessage("late"), CancellationToken.None)));
        errors.Add(await Assert.ThrowsAsync<ArgumentException>(() => discord.Rest.FollowUpAsync(expired.ApplicationId, expired.Token + "/../x", new InteractionMessage("bad"), CancellationToken.None)));
        var ok = New("700000000000000504");
        await discord.Rest.RespondAsync(ok, new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource), CancellationToken.None);
        await discord.Rest.EditOriginalAsync(ok.ApplicationId, ok.Token, new InteractionMessage("done"), CancellationToken.None);

        // The check itself must be able to fail: each token did go over the wire, and spans and metrics were recorded.
        Assert.All(tokens, t => Assert.Contains(discord.Server.Requests, r => r.Path.Contains(t, StringComparison.Ordinal)));
        Assert.Contains(tags, t => t.Contains("interaction_token", StringComparison.Ordinal));
        Assert.NotEmpty(discord.Logs.Entries);
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token, discord.Logs.AllText, StringComparison.Ordinal);
            Assert.All(errors, e => Assert.DoesNotContain(token, e.ToString(), StringComparison.Ordinal));
            lock (tags)
                Assert.All(tags, t => Assert.DoesNotContain(token, t, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task InteractionToken_StaysOutOfTheHttpClientFactoryLogs_EvenAtTrace()
    {
        await using var server = await FakeDiscordServer.StartAsync();
        var logs = new CapturingLoggerProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Discord:Token"] = FakeDiscordServer.DefaultToken,
            ["Discord:ApiBaseUrl"] = server.ApiBaseUrl,
        }).Build();
        await using var provider = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddDiscordClient(configuration)
            .BuildServiceProvider();
        var json = FakeInteractions.Command("700000000000000511", "stats");
        server.RegisterInteraction(json);
        using var doc = JsonDocument.Parse(json.ToJsonString());
        var interaction = DiscordInteractionJson.Parse(doc.RootElement);

        await provider.GetRequiredService<IDiscordInteractions>().RespondAsync(interaction,
            new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, new InteractionMessage("hi")), CancellationToken.None);

        Assert.Single(server.Callbacks);
        Assert.DoesNotContain(interaction.Token, logs.AllText, StringComparison.Ordinal);
    }
}
