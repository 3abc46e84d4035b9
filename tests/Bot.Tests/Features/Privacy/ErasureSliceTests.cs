using System.Text;
using EventBot.Bot.Tests.Cli;
using EventBot.EventStore;
using EventBot.Projections.Core;
using EventBot.Projections.Replay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Tests.Features.Privacy;

/// <summary>
/// The acceptance of docs/privacy.md on SQLite, through the real container: after forget-me, a redaction and a purge,
/// the raw bytes of the data directory hold nothing readable of what was erased; everyone else's views are unchanged
/// but for the erased name; <c>replay --verify</c> agrees with the live views.
/// </summary>
[Collection(EventBot.Testing.DynamoDbLocalFixture.Collection)]
public sealed class ErasureSliceTests : IAsyncLifetime
{
    // Distinctive, so a match in the raw bytes is never a coincidence.
    private const string Zeb = "Zebulonquux";
    private const string ZebReason = "for the zeb-only secret tea recipe";
    private const string ZebGot = "for teaching qwertyzeb knots";
    private BotHarness _h = null!;

    public async Task InitializeAsync() =>
        _h = await BotHarness.StartAsync(configure: services => services.AddSingleton(sp => new Rebuilder(sp.GetRequiredService<IEventReader>(),
            sp.GetRequiredService<IViewStore>(), sp.GetRequiredService<EventCodec>(), sp.GetRequiredService<Generations>(),
            sp.GetRequiredService<ProjectionSignals>(), sp.GetRequiredService<ILoggerFactory>())
        { FlipSettle = TimeSpan.Zero }));

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string ZebId => BotHarness.User(Zeb).Id.ToString();

    private async Task SeedAsync()
    {
        await _h.SayAsync(".remember wifi is hunter2-zeb", user: Zeb);
        await _h.SayAsync(".remember lunch is pizza", user: "alice");
        await _h.SayAsync($".sparkle @alice {ZebReason}", user: Zeb);
        await _h.SayAsync($".sparkle @{Zeb} {ZebGot}", user: "alice");
        _h.Time.Advance(TimeSpan.FromMinutes(5));
        await _h.SayAsync($".sparkle @{Zeb} for the second time", user: "carol");
        for (var i = 0; i < 3; i++) await _h.SayAsync(".play coin heads", user: Zeb);
        await _h.SayAsync(".play coin tails", user: "alice");
    }

    private string RawBytes()
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(_h.DataDir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".key", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            text.Append(Encoding.UTF8.GetString(memory.ToArray())).Append(Encoding.Unicode.GetString(memory.ToArray()));
        }
        return text.ToString();
    }

    /// <summary>The file and the bytes around the first place <paramref name="secret"/> is found, or null.</summary>
    private string? FindIn(string secret)
    {
        foreach (var file in Directory.GetFiles(_h.DataDir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".key", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            foreach (var encoding in new[] { Encoding.UTF8, Encoding.Unicode })
            {
                var text = encoding.GetString(memory.ToArray());
                var at = text.IndexOf(secret, StringComparison.Ordinal);
                if (at >= 0) return $"{secret} in {Path.GetFileName(file)}: …{text[Math.Max(0, at - 400)..Math.Min(text.Length, at + 300)].Replace("\0", "")}…";
            }
        }
        return null;
    }

    [Fact]
    public async Task After_forget_me_nothing_of_the_user_is_readable_and_everyone_else_is_as_before()
    {
        await SeedAsync();
        var aliceBefore = await _h.SayAsync(".remember lunch", user: "alice");
        Assert.Contains(Zeb, await _h.SayAsync(".show sparkles @alice", user: "alice"));
        Assert.NotNull(FindIn(Zeb)); // the read models hold names while they exist: the check can fail

        var warning = await _h.SayAsync(".privacy forget-me", user: Zeb);
        var done = await _h.SayAsync(".privacy forget-me confirm", user: Zeb);

        Assert.Contains("cannot be undone", warning);
        Assert.StartsWith("You are forgotten", done);
        // What others wrote to them stays theirs (alice's reason, ZebGot): only what the user wrote is erased.
        foreach (var secret in new[] { ZebId, Zeb, ZebReason, "zeb-only" })
            Assert.Null(FindIn(secret));
        // Values they set stay (the server's content), without their name; other people are untouched.
        Assert.Equal("`wifi` is hunter2-zeb", await _h.SayAsync(".remember wifi", user: "alice"));
        Assert.Equal(aliceBefore, await _h.SayAsync(".remember lunch", user: "alice"));
        var aliceSparkles = await _h.SayAsync(".show sparkles @alice", user: "alice");
        Assert.Contains("[erased user]", aliceSparkles);
        Assert.Contains("[erased]", aliceSparkles);
        var board = await _h.SayAsync(".leaderboard sparkles", user: "alice");
        Assert.Contains("[erased user]", board); // still counted: two sparkles received, anonymously
        Assert.DoesNotContain(Zeb, await _h.SayAsync(".remember history wifi", user: "alice"));

        var (exit, _, error) = await CliRunner.RunAsync(new Dictionary<string, string?> { ["EVENTBOT_DATA_DIR"] = _h.DataDir }, "replay", "--verify");
        Assert.True(exit == 0, error);
    }

    [Fact]
    public async Task Confirming_without_asking_or_after_a_minute_does_nothing()
    {
        await SeedAsync();

        var unasked = await _h.SayAsync(".privacy forget-me confirm", user: Zeb);
        await _h.SayAsync(".privacy forget-me", user: Zeb);
        _h.Time.Advance(TimeSpan.FromSeconds(61));
        var late = await _h.SayAsync(".privacy forget-me confirm", user: Zeb);

        Assert.StartsWith("⚠️", unasked);
        Assert.StartsWith("⚠️", late);
        Assert.Contains(Zeb, await _h.SayAsync(".show sparkles @alice", user: "alice"));
    }

    [Fact]
    public async Task A_redacted_version_is_gone_from_the_bytes_and_history_says_who_redacted_it()
    {
        await _h.SayAsync(".remember door code is 8642-zebcode", user: "alice");
        await _h.SayAsync(".remember door code is 1357", user: "alice");

        var reply = await _h.SayAsync(".remember redact door code 1", user: "mod");

        Assert.StartsWith("Redacted v1", reply);
        Assert.DoesNotContain("8642-zebcode", RawBytes());
        var history = await _h.SayAsync(".remember history door code", user: "alice");
        Assert.Contains("v1 · redacted by mod on", history);
        Assert.Contains("v3 · ", history);
        Assert.DoesNotContain("8642", history);
        Assert.Equal("`door code` is 1357", await _h.SayAsync(".remember door code", user: "alice"));
        Assert.StartsWith("⚠️", await _h.SayAsync(".remember restore door code 1", user: "alice"));
        Assert.StartsWith("v1 of `door code` is already redacted", await _h.SayAsync(".remember redact door code 1", user: "mod"));
    }

    [Fact]
    public async Task Recall_and_as_of_of_a_redacted_current_value_say_so()
    {
        await _h.SayAsync(".remember pin is 4321-zebpin", user: "alice");
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        await _h.SayAsync(".remember redact pin 1", user: "mod");

        Assert.Contains("was redacted", await _h.SayAsync(".remember pin", user: "alice"));
        Assert.StartsWith("⚠️", await _h.SayAsync(".remember pin as of 1 minute ago", user: "alice"));
        Assert.DoesNotContain("4321-zebpin", RawBytes());
    }

    [Fact]
    public async Task Redacting_needs_a_moderator_when_the_message_carries_permissions()
    {
        await _h.SayAsync(".remember pin is 1111", user: "alice");
        var member = new EventBot.Bot.Chat.ChatMessage("p1", BotHarness.Guild, BotHarness.User("alice"), ".remember redact pin 1", [], "discord") { MemberPermissions = 0 };
        var unknown = member with { MessageId = "p2", MemberPermissions = null };
        var moderator = member with { MessageId = "p3", MemberPermissions = EventBot.Bot.Chat.ChatMessage.ManageMessages };

        Assert.Contains("needs the Manage Messages permission", await _h.SendAsync(member));
        Assert.Contains("/remember redact", await _h.SendAsync(unknown));
        Assert.StartsWith("Redacted v1", await _h.SendAsync(moderator));
    }
}
