using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EventBot.Projections.Remember;
using EventBot.Projections.Sqlite;

namespace EventBot.Projections.Tests.Core;

/// <summary>The generated JSON metadata (start-up: no serializer built by reflection) writes exactly what reflection wrote.</summary>
public sealed class GeneratedJsonTests
{
    private static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    [Fact]
    public void A_remembered_value_body_is_the_same_as_by_reflection_and_reads_back_equal()
    {
        var projection = new RememberedValues();
        var document = new RememberedValue("Team  Lunch 🎉", "at \"noon\"\n<b>", true, 12, new DateTimeOffset(2026, 12, 6, 12, 34, 56, 789, TimeSpan.Zero), "ann");

        var body = projection.WriteDocument(document);

        Assert.Equal(JsonSerializer.Serialize(document, Reflection), body);
        Assert.Equal(document, projection.ReadDocument(body));
        Assert.Equal(document, RememberedValues.Read(new EventBot.Projections.Core.ViewRow(new EventBot.Projections.Core.ViewKey("g", "k"), body, new Dictionary<string, long>(), 1)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_key_listing_reads_a_rows_key_as_written_and_whether_it_is_live(bool live)
    {
        var body = new RememberedValues().WriteDocument(new RememberedValue("Team  Lunch 🎉", live ? "at \"noon\"" : null, live, 3, DateTimeOffset.UnixEpoch, "ann"));

        Assert.Equal(new RememberedKey("Team  Lunch 🎉", live), RememberedValues.ReadKey(body));
    }

    [Fact]
    public void Applied_versions_are_the_same_as_by_reflection()
    {
        IReadOnlyDictionary<string, long> applied = new Dictionary<string, long> { ["remember/g/Key"] = 3, ["Play/x"] = 12_345_678_901 };

        var json = JsonSerializer.Serialize(applied, AppliedJson.Default.IReadOnlyDictionaryStringInt64);

        Assert.Equal(JsonSerializer.Serialize(applied, Reflection), json);
        Assert.Equal(applied, JsonSerializer.Deserialize(json, AppliedJson.Default.DictionaryStringInt64));
    }
}
