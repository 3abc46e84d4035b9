using EventBot.Bot.Features.Play;

namespace EventBot.Bot.Tests;

/// <summary>Plays back a fixed list of numbers, and fails loudly when a game asks for one outside its range.</summary>
public sealed class ScriptedRandom : IRandomSource
{
    private readonly Queue<int> _next = new();

    public void Enqueue(params int[] values)
    {
        foreach (var v in values) _next.Enqueue(v);
    }

    public int Next(int minInclusive, int maxExclusive)
    {
        if (!_next.TryDequeue(out var value)) throw new InvalidOperationException("The script ran out of random numbers.");
        if (value < minInclusive || value >= maxExclusive) throw new InvalidOperationException($"Scripted {value} is outside [{minInclusive}, {maxExclusive}).");
        return value;
    }
}
