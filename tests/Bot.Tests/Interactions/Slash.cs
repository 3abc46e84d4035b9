using System.Text.Json;
using EventBot.Discord;
using EventBot.Discord.Interactions;
using EventBot.Domain.Common;

namespace EventBot.Bot.Tests.Interactions;

/// <summary>Interactions as Discord sends them, for tests: commands with options, autocomplete, button clicks.</summary>
public static class Slash
{
    public const string Application = "100000000000000001";

    private static long _next = 900_000_000_000_000_000;

    public static string NextId() => Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static DiscordUser User(string name) => new(UserId.FromName(name).ToString(), name, null, false);

    public static InteractionOption Option(string name, object value, bool focused = false) => new(
        name,
        value switch { long or int => ApplicationCommandOptionType.Integer, DiscordUser => ApplicationCommandOptionType.User, _ => ApplicationCommandOptionType.String },
        JsonSerializer.SerializeToElement(value is DiscordUser u ? u.Id : value),
        focused,
        []);

    /// <summary><c>/name [subcommand] option:value …</c>; a <see cref="DiscordUser"/> value is resolved like Discord does.</summary>
    public static DiscordInteraction Command(string name, string? subcommand, params (string Name, object Value)[] options) =>
        Build(InteractionType.ApplicationCommand, name, subcommand, options, focused: null);

    /// <summary>An autocomplete interaction with <paramref name="focused"/> being typed.</summary>
    public static DiscordInteraction Typing(string name, string? subcommand, string focused, params (string Name, object Value)[] options) =>
        Build(InteractionType.ApplicationCommandAutocomplete, name, subcommand, options, focused);

    public static DiscordInteraction Click(string customId, string user = "alice", string? id = null) =>
        new(id ?? NextId(), Application, InteractionType.MessageComponent, "token-" + Guid.NewGuid().ToString("N"),
            BotHarness.Guild.ToString(), "300000000000000003", User(user), null, new InteractionData(null, [], customId, ComponentType: 2), MessageId: "400");

    public static DiscordInteraction Ping() =>
        new(NextId(), Application, InteractionType.Ping, "token", null, null, User("discord"), null, null);

    public static DiscordInteraction As(this DiscordInteraction interaction, string user, string? id = null) =>
        interaction with { User = User(user), Id = id ?? interaction.Id };

    private static DiscordInteraction Build(InteractionType type, string name, string? subcommand, (string Name, object Value)[] options, string? focused)
    {
        var values = options.Select(o => Option(o.Name, o.Value, o.Name == focused)).ToList();
        IReadOnlyList<InteractionOption> top = subcommand is null
            ? values
            : [new InteractionOption(subcommand, ApplicationCommandOptionType.SubCommand, null, false, values)];
        var resolved = options.Select(o => o.Value).OfType<DiscordUser>().DistinctBy(u => u.Id).ToDictionary(u => u.Id);
        return new DiscordInteraction(NextId(), Application, type, "token-" + Guid.NewGuid().ToString("N"), BotHarness.Guild.ToString(), "300000000000000003",
            User("alice"), "0", new InteractionData(name, top, ResolvedUsers: resolved.Count == 0 ? null : resolved));
    }
}
