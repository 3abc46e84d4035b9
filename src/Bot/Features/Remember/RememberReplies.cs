using EventBot.Bot.Chat;
using EventBot.Domain.Common;
using EventBot.Domain.Remember;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;

namespace EventBot.Bot.Features.Remember;

/// <summary>Read-your-writes for the remember family: reply once the key's row has applied the new version.</summary>
public sealed class RememberConsistency(ReadYourWrites readYourWrites)
{
    public async Task<Reply> AfterWriteAsync(GuildId guild, MemoryKey key, long version, string text, CancellationToken ct)
    {
        var caughtUp = await readYourWrites.WaitAsync(
            RememberedValues.ProjectionName, RememberedValues.RowFor(guild.ToString(), key.Normalized), RememberStream.For(guild, key), version, ct);
        return Reply.Of(caughtUp ? text : $"{text}\n(saved as v{version}; the read model is still catching up, so a recall may show the old value for a moment)");
    }
}
