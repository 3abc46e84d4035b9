using EventBot.Projections.Telemetry;

namespace EventBot.Projections.Replay;

/// <summary>A rebuild's progress, passed on and shown by the <c>eventbot.rebuild.progress</c> gauge too.</summary>
internal sealed class GaugedProgress(IProgress<RebuildProgress>? inner) : IProgress<RebuildProgress>
{
    public void Report(RebuildProgress value)
    {
        ProjectionsTelemetry.ReportRebuild(value.Phase, value.Done, value.Total);
        inner?.Report(value);
    }
}
