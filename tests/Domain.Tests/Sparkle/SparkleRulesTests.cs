using EventBot.Domain.Common;
using EventBot.Domain.Sparkle;
using static EventBot.Domain.Sparkle.SparkleEvent;

namespace EventBot.Domain.Tests.Sparkle;

public class SparkleRulesTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, true, null)]
    [InlineData("", true, null)]
    [InlineData("  great talk  ", true, "great talk")]
    [InlineData("bell\u0007", false, null)]
    public void TheReasonIsOptionalTrimmedAndFreeOfControlCharacters(string? text, bool valid, string? stored)
    {
        var reason = SparkleReason.Create(text);
        Assert.Equal(valid, reason.IsValid);
        if (valid) Assert.Equal(stored, reason.Value);
    }

    [Fact]
    public void TheReasonLimitCountsWhatAPersonSees()
    {
        // 100 family emoji are 100 characters to a person, though many more UTF-16 units.
        Assert.True(SparkleReason.Create(string.Concat(Enumerable.Repeat("👨‍👩‍👧", 100))).IsValid);
        Assert.False(SparkleReason.Create(string.Concat(Enumerable.Repeat("👨‍👩‍👧", 101))).IsValid);
    }

    [Theory]
    [InlineData(1, "1 s")]
    [InlineData(42, "42 s")]
    [InlineData(41.2, "42 s")]
    [InlineData(60, "1 min")]
    [InlineData(185, "3 min 5 s")]
    [InlineData(3600, "1 h 0 min")]
    [InlineData(7830, "2 h 11 min")]
    public void WaitsAreRoundedUpSoWaitingThatLongIsEnough(double seconds, string text) =>
        Assert.Equal(text, SparkleDecider.Describe(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void GiversOlderThanTheHorizonAreForgotten()
    {
        var state = Sparkles.Fold([
            new SparkleGiven(1, "Alice", 2, "Bob", null, Noon),
            new SparkleGiven(3, "Carol", 2, "Bob", null, Noon + Sparkles.Horizon + TimeSpan.FromSeconds(1)),
        ]);
        var received = Assert.IsType<Sparkles.Received>(state);
        Assert.Equal(2, received.Total);
        Assert.Null(received.LastFrom(new UserId(1)));
        Assert.NotNull(received.LastFrom(new UserId(3)));
    }

    [Fact]
    public void TheGiverMapIsBounded_DroppingTheOldest()
    {
        var events = Enumerable.Range(1, Sparkles.MaxTrackedGivers + 10)
            .Select(i => (SparkleEvent)new SparkleGiven((ulong)i + 100, $"u{i}", 2, "Bob", null, Noon.AddSeconds(i)));
        var received = Assert.IsType<Sparkles.Received>(Sparkles.Fold(events));
        Assert.Equal(Sparkles.MaxTrackedGivers + 10, received.Total);
        Assert.Equal(Sparkles.MaxTrackedGivers, received.LastByGiver.Count);
        Assert.Null(received.LastFrom(new UserId(101)));
        Assert.NotNull(received.LastFrom(new UserId((ulong)Sparkles.MaxTrackedGivers + 110)));
    }

    [Fact]
    public void ASparkleWithoutADecisionTimeCountsButStartsNoCooldown()
    {
        var received = Assert.IsType<Sparkles.Received>(Sparkles.Fold([new SparkleGiven(1, "Alice", 2, "Bob", null, null)]));
        Assert.Equal(1, received.Total);
        Assert.Empty(received.LastByGiver);
    }

    [Fact]
    public void TheStreamIsPerReceiver() =>
        Assert.Equal("sparkle/42/2", SparkleStream.For(new GuildId(42), new UserId(2)));
}
