using BenchmarkDotNet.Attributes;
using EventBot.Domain.Remember;
using EventBot.EventStore;

namespace EventBot.Benchmarks;

/// <summary>Every projected event is decoded once; every appended event encoded once.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly EventCodec _codec = EventCodec.Default;
    private readonly RememberEvent.ValueRemembered _event = new("release date", "Friday 27 November, 19:55 UTC", "Thursday");
    private EventData _data = null!;

    [GlobalSetup]
    public void Setup() => _data = _codec.Encode(_event);

    [Benchmark]
    public EventData Encode() => _codec.Encode(_event);

    [Benchmark]
    public object Decode() => _codec.Decode(_data.Type, _data.SchemaVersion, _data.Data);
}
