namespace EventBot.Bot.Tests.Features.Remember;

/// <summary>As-of and restore through the real container: monday (v1), tuesday (v2), forgotten (v3), friday (v4), an hour apart.</summary>
public sealed class AuditSliceTests : IAsyncLifetime
{
    private BotHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await BotHarness.StartAsync();
        await _h.SayAsync(".remember Meeting is monday");     // 09:30
        _h.Time.Advance(TimeSpan.FromHours(1));
        await _h.SayAsync(".remember meeting is tuesday");    // 10:30
        _h.Time.Advance(TimeSpan.FromHours(1));
        await _h.SayAsync(".forget meeting");                 // 11:30
        _h.Time.Advance(TimeSpan.FromHours(1));
        await _h.SayAsync(".remember meeting is friday");     // 12:30
        _h.Time.Advance(TimeSpan.FromHours(1));               // now 13:30
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData("2026-11-27T10:00Z", "As of 2026-11-27 10:00 UTC, `Meeting` was monday\n(v1, by alice on 2026-11-27 09:30 UTC)")]
    [InlineData("2026-11-27T10:30Z", "As of 2026-11-27 10:30 UTC, `Meeting` was tuesday\n(v2, by alice on 2026-11-27 10:30 UTC)")]
    [InlineData("2h ago", "As of 2026-11-27 11:30 UTC, `Meeting` was forgotten (v3, by alice on 2026-11-27 11:30 UTC; it had been tuesday)")]
    [InlineData("30m ago", "As of 2026-11-27 13:00 UTC, `meeting` was friday\n(v4, by alice on 2026-11-27 12:30 UTC)")]
    [InlineData("2026-11-27", "As of 2026-11-27 13:30 UTC, `meeting` was friday\n(v4, by alice on 2026-11-27 12:30 UTC)")] // today: now
    [InlineData("2026-11-26", "`meeting` was first remembered on 2026-11-27 09:30 UTC, after 2026-11-26 23:59 UTC: it had no value then.")]
    public async Task As_of_gives_the_value_the_key_had_then_across_forget_and_re_set(string time, string expected) =>
        Assert.Equal(expected, await _h.SayAsync($".remember meeting as of {time}"));

    [Theory]
    [InlineData(".remember meeting as of tomorrow", "⚠️ I can't read the time `tomorrow`")]
    [InlineData(".remember meeting as of 2026-11-28", "⚠️ 2026-11-28 23:59 UTC is in the future")]
    [InlineData(".remember meeting as of 2026-11-27T13:45Z", "⚠️ 2026-11-27 13:45 UTC is in the future")]
    [InlineData(".remember lunch as of 1h ago", "Nothing was ever remembered for `lunch` in this server.")]
    [InlineData(".remember restore meeting 0", "⚠️ Versions start at 1")]
    [InlineData(".remember restore meeting -2", "⚠️ Versions start at 1")]
    [InlineData(".remember restore meeting 9", "⚠️ `meeting` has 4 versions; there is no v9")]
    [InlineData(".remember restore meeting 3", "⚠️ V3 of `meeting` was a forget, not a value")]
    [InlineData(".remember restore meeting soon", "⚠️ `soon` is not a version number.")]
    [InlineData(".remember restore meeting", "⚠️ Usage: `.remember restore <key> <version>`")]
    [InlineData(".remember restore lunch 1", "Nothing was ever remembered for `lunch`, so there is nothing to restore.")]
    [InlineData(".remember restore meeting 4", "`meeting` already is friday; nothing to restore.")]
    public async Task Bad_times_and_versions_get_clear_messages_and_write_nothing(string message, string expectedStart)
    {
        var before = await _h.SayAsync(".remember history meeting");

        Assert.StartsWith(expectedStart, await _h.SayAsync(message), StringComparison.Ordinal);
        Assert.Equal(before, await _h.SayAsync(".remember history meeting"));
    }

    [Fact]
    public async Task Restore_appends_a_new_version_with_the_old_value_and_history_says_who_restored_what()
    {
        Assert.Equal("Restored `meeting` to monday from v1\n(was: friday)", await _h.SayAsync(".remember restore meeting v1", user: "bob"));
        Assert.Equal("`meeting` is monday", await _h.SayAsync(".remember meeting"));

        await _h.SayAsync(".forget meeting");
        Assert.Equal("Restored `meeting` to tuesday from v2 (it had been forgotten)", await _h.SayAsync(".remember restore meeting 2", user: "carol"));
        Assert.Equal("`meeting` is tuesday", await _h.SayAsync(".remember meeting"));

        var history = await _h.SayAsync(".remember history meeting");
        Assert.Contains("v7 · 2026-11-27 13:30 UTC · carol · restored from v2 after a forget: “tuesday”", history, StringComparison.Ordinal);
        Assert.Contains("v5 · 2026-11-27 13:30 UTC · bob · restored from v1: “friday” → “monday”", history, StringComparison.Ordinal);
        Assert.Equal("As of 2026-11-27 13:30 UTC, `meeting` was tuesday\n(v7, by carol on 2026-11-27 13:30 UTC)", await _h.SayAsync(".remember meeting as of 0m ago"));
    }

    [Fact]
    public async Task A_key_may_still_be_called_restore_or_contain_as_of_when_set_with_is()
    {
        Assert.Equal("Remembered `restore`: the backup", await _h.SayAsync(".remember restore is the backup"));
        Assert.Equal("Remembered `sold as of late`: yes", await _h.SayAsync(".remember sold as of late is yes"));
        // Recalling such a key reads "as of" as a time (documented); search still finds it.
        Assert.StartsWith("⚠️ I can't read the time `late`", await _h.SayAsync(".remember sold as of late"), StringComparison.Ordinal);
        Assert.Contains("`sold as of late` — yes", await _h.SayAsync(".remember search sold"), StringComparison.Ordinal);
    }
}
