using EventBot.Bot.Features.Remember;

namespace EventBot.Bot.Tests.Features.Remember;

public sealed class PointInTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 13, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("15m ago", "2026-11-27T13:15:00+00:00")]
    [InlineData("2h ago", "2026-11-27T11:30:00+00:00")]
    [InlineData("3d ago", "2026-11-24T13:30:00+00:00")]
    [InlineData("1w ago", "2026-11-20T13:30:00+00:00")]
    [InlineData("3 days ago", "2026-11-24T13:30:00+00:00")]
    [InlineData("2H AGO", "2026-11-27T11:30:00+00:00")]
    [InlineData("2026-11-20T14:30Z", "2026-11-20T14:30:00+00:00")]
    [InlineData("2026-11-20T14:30", "2026-11-20T14:30:00+00:00")]
    [InlineData("2026-11-20 14:30:15", "2026-11-20T14:30:15+00:00")]
    [InlineData("2026-11-20T16:30+02:00", "2026-11-20T14:30:00+00:00")]
    [InlineData("2026-11-27T13:30Z", "2026-11-27T13:30:00+00:00")]
    public void Accepted_times(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), PointInTime.Parse(text, Now).Value);

    [Fact]
    public void A_date_means_the_end_of_that_day_utc()
    {
        var at = PointInTime.Parse("2026-11-20", Now).Value;

        Assert.Equal(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), at.AddTicks(1));
    }

    [Fact]
    public void Todays_date_means_now_not_the_end_of_the_day_still_to_come()
    {
        Assert.Equal(Now, PointInTime.Parse("2026-11-27", Now).Value);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), PointInTime.Parse("2026-11-26", Now).Value.AddTicks(1)); // yesterday: its end
    }

    [Theory]
    [InlineData("", "the time is missing")]
    [InlineData("yesterday", "I can't read the time `yesterday`")]
    [InlineData("2026-13-01", "I can't read the time `2026-13-01`")]
    [InlineData("3 ago", "I can't read the time")]
    [InlineData("-3d ago", "I can't read the time")]
    [InlineData("2026-11-27T13:31Z", "2026-11-27 13:31 UTC is in the future")]
    [InlineData("2026-11-28", "2026-11-28 23:59 UTC is in the future")]
    [InlineData("999999999d ago", "`999999999d ago` is too far back")]
    public void Refused_times_say_why(string text, string expectedStart)
    {
        var parsed = PointInTime.Parse(text, Now);

        Assert.False(parsed.IsValid);
        Assert.StartsWith(expectedStart, parsed.Error, StringComparison.Ordinal);
    }
}
