using EventBot.Projections.Core;
using EventBot.Projections.Replay;

namespace EventBot.Projections.Tests.Replay;

/// <summary>Progress reported on the caller's thread, at once (<see cref="Progress{T}"/> posts to the pool).</summary>
internal sealed class InlineProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
{
    public void Report(RebuildProgress value) => report(value);
}
