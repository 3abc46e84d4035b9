using System.Reflection;
using System.Text.Json;
using EventBot.Domain.Common;
using EventBot.Domain.Play;
using static EventBot.Domain.Play.PlayEvent;
using static EventBot.Domain.Sparkle.SparkleEvent;

namespace EventBot.Domain.Tests;

/// <summary>Events are storage contracts: the wire shape is pinned here, with the options the codec uses.</summary>
public class EventContractTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly DateTimeOffset Noon = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static T RoundTrip<T>(T value, out string json)
    {
        json = JsonSerializer.Serialize(value, Web);
        return JsonSerializer.Deserialize<T>(json, Web)!;
    }

    [Fact]
    public void EveryEventHasAUniqueWireName()
    {
        var names = typeof(EventTypeAttribute).Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<EventTypeAttribute>()?.Name).OfType<string>().ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("SparkleGiven", names);
        Assert.Contains("GamePlayed", names);
    }

    [Fact]
    public void GamePlayedStoresEnumsByTheirWireNamesAndRoundTrips()
    {
        var played = new GamePlayed(Game.Dice, "2d6", null, null, [3, 4], [2, 5], GameResult.Draw, Noon);
        Assert.Equal(played, RoundTrip(played, out var json));
        Assert.Equal(
            """{"game":"dice","playerChoice":"2d6","botHand":null,"flip":null,"rolls":[3,4],"botRolls":[2,5],"result":"draw","at":"2026-11-27T12:00:00+00:00"}""",
            json);
    }

    [Fact]
    public void GamePlayedWithAHandRoundTrips()
    {
        var played = new GamePlayed(Game.Rps, "rock", Hand.Scissors, null, null, null, GameResult.Win, Noon);
        Assert.Equal(played, RoundTrip(played, out var json));
        Assert.Contains("\"botHand\":\"scissors\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void SparkleGivenStoresPlainIdsAndRoundTrips()
    {
        var given = new SparkleGiven(123456789012345678, "Alice", 2, "Bob", "for the review", Noon);
        Assert.Equal(given, RoundTrip(given, out var json));
        Assert.Contains("\"giverId\":123456789012345678", json, StringComparison.Ordinal);
    }

    [Fact]
    public void GamesWithTheSameRollsAreEqual() =>
        Assert.Equal(
            new GamePlayed(Game.Dice, "1d6", null, null, [6], [1], GameResult.Win, Noon).GetHashCode(),
            new GamePlayed(Game.Dice, "1d6", null, null, [6], [1], GameResult.Win, Noon).GetHashCode());
}
