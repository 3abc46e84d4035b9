using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;

namespace EventBot.Bot.Features.Remember;

/// <summary>How the remember commands load a key: its newest event is its state, so a key changed for years loads as fast as a new one.</summary>
public static class MemoryAccess
{
    public static readonly StateAccess<Memory, RememberEvent> Latest =
        new StateAccess<Memory, RememberEvent>.LatestEvent(Memory.Initial, Memory.Evolve, Memory.After);
}
