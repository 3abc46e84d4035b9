using EventBot.Projections.Core;

namespace EventBot.Projections.Tests.Architecture;

/// <summary>
/// The namespaces of src/Projections form layers (Core at the bottom; Replay, the stores and the feeds above it):
/// a namespace that uses another must not be used by it, directly or through others.
/// </summary>
public sealed class NamespaceCycleTests
{
    private static readonly IReadOnlyDictionary<string, HashSet<string>> Edges =
        NamespaceDependencies.Of(typeof(ProjectorCore).Assembly, "EventBot.Projections");

    [Fact]
    public void ProjectionsNamespaces_HaveNoCycle()
    {
        var cycle = NamespaceDependencies.FindCycle(Edges);
        Assert.True(cycle is null, $"namespace cycle: {cycle}");
    }

    [Fact]
    public void Dependencies_AreSeen_InSignaturesAndMethodBodies()
    {
        // The check above is only as good as the edges it sees: known uses from both sources must be there.
        Assert.Contains("EventBot.Projections.Core", Edges["EventBot.Projections.Replay"]); // Rebuilder's ctor takes IViewStore
        Assert.Contains("EventBot.Projections.Replay", Edges["EventBot.Projections.Feeds.Streams"]); // StreamsRebuildFeed
        Assert.DoesNotContain("EventBot.Projections.Replay", Edges["EventBot.Projections.Core"]);
    }

    [Fact]
    public void FindCycle_ReportsACycle()
    {
        var edges = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };
        Assert.Equal("A -> B -> C -> A", NamespaceDependencies.FindCycle(edges));
        edges["C"] = [];
        Assert.Null(NamespaceDependencies.FindCycle(edges));
    }
}
