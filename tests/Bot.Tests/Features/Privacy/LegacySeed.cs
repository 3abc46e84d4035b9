using EventBot.Domain.Common;
using EventBot.Domain.Play;
using EventBot.Domain.Remember;
using EventBot.Domain.Sparkle;
using EventBot.EventStore;

namespace EventBot.Bot.Tests.Features.Privacy;

/// <summary>
/// Events as the code before encryption wrote them: plaintext names, reasons, values and ids, user streams named with
/// the raw user id, appended to the raw store (below <see cref="EventBot.EventStore.Privacy.PrivateEventStore"/>).
/// </summary>
public sealed class LegacySeed(IEventStore raw, DateTimeOffset at)
{
    private readonly EventCodec _codec = EventCodec.Default;
    private int _messages;

    public async Task RememberAsync(GuildId guild, string key, string value, ChatUserLike by)
    {
        var memoryKey = MemoryKey.Create(key).Value;
        var stream = new StreamName(RememberStream.For(guild, memoryKey));
        var existing = await raw.ReadStreamAsync(stream, 1, default);
        string? previous = existing.Count == 0 ? null : (_codec.Decode(existing[^1]) as RememberEvent.ValueRemembered)?.Value;
        await AppendAsync(stream, existing.Count, new RememberEvent.ValueRemembered(memoryKey.Display, value, previous), guild, by);
    }

    public async Task SparkleAsync(GuildId guild, ChatUserLike giver, ChatUserLike target, string reason)
    {
        var stream = new StreamName(SparkleStream.For(guild, new UserId(target.Id)));
        var existing = await raw.ReadStreamAsync(stream, 1, default);
        await AppendAsync(stream, existing.Count, new SparkleEvent.SparkleGiven(giver.Id, giver.Name, target.Id, target.Name, reason, at), guild, giver);
    }

    public async Task PlayAsync(GuildId guild, ChatUserLike player)
    {
        var stream = new StreamName(PlayStream.For(guild, new UserId(player.Id)));
        var existing = await raw.ReadStreamAsync(stream, 1, default);
        await AppendAsync(stream, existing.Count, new PlayEvent.GamePlayed(Game.Coin, "heads", null, CoinSide.Heads, null, null, GameResult.Win, at), guild, player);
    }

    private async Task AppendAsync(StreamName stream, long expected, object @event, GuildId guild, ChatUserLike by)
    {
        var result = await raw.AppendAsync(stream, expected, [_codec.Encode(@event)],
            new AppendContext(guild.ToString(), by.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), by.Name, $"legacy-{Guid.NewGuid():N}-{++_messages}"), default);
        Assert.IsType<AppendResult.Appended>(result);
    }
}

/// <summary>A user as the legacy events name them.</summary>
public sealed record ChatUserLike(ulong Id, string Name)
{
    public static ChatUserLike Of(string name) => new(BotHarness.User(name).Id.Value, name);
}
