using System.Text.Json;

namespace EventBot.Bench.Tests;

/// <summary>
/// The bench's peak-RSS figures come from a child process of EventBot.Bench standing in for the bot, so it must run
/// with the bot's runtime settings (GC mode, tiered PGO, the container's engine). Without tiered PGO off and the
/// reflection-only container it held ~5 MB more than the bot (docs/performance.md, steady memory).
/// </summary>
public sealed class BenchRuntimeConfigTests
{
    [Fact]
    public void Bench_RunsWithEveryRuntimeSettingOfTheBot()
    {
        var bot = ConfigProperties("EventBot.Bot.runtimeconfig.json");
        var bench = ConfigProperties("EventBot.Bench.runtimeconfig.json");

        Assert.NotEmpty(bot);
        foreach (var (name, value) in bot)
        {
            Assert.True(bench.TryGetValue(name, out var own), $"bench/Bench/Bench.csproj lacks the bot's runtime setting {name} = {value}");
            Assert.Equal(value, own);
        }
    }

    private static Dictionary<string, string> ConfigProperties(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, file);
        Assert.True(File.Exists(path), $"{path} is missing (the test project's output should carry the referenced executables' runtimeconfig)");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal);
    }
}
