using EventBot.Discord.Interactions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventBot.Bot.Hosting;

/// <summary>
/// The slash command definitions this build registers with Discord (<c>commands sync</c> and
/// <c>EVENTBOT_SYNC_COMMANDS</c> read them from here). Each slice declares its own; the source gathers them.
/// </summary>
public interface IApplicationCommandSource
{
    IReadOnlyList<ApplicationCommand> Definitions();
}

/// <summary>
/// PLACEHOLDER until the slices' slash definitions are wired in: it has none, and both sync paths refuse to register an
/// empty set (that would delete every registered command). Replace its registration in
/// <see cref="ApplicationCommandSourceRegistration.AddApplicationCommandSource"/> with the real source.
/// </summary>
public sealed class NoApplicationCommandsYet : IApplicationCommandSource
{
    public IReadOnlyList<ApplicationCommand> Definitions() => [];
}

public static class ApplicationCommandSourceRegistration
{
    /// <summary>The definitions' source, unless the host (or a test) registered one before.</summary>
    public static IServiceCollection AddApplicationCommandSource(this IServiceCollection services)
    {
        services.TryAddSingleton<IApplicationCommandSource, NoApplicationCommandsYet>();
        return services;
    }

    /// <summary>The one-line reason both sync paths give when the source has no definitions.</summary>
    public const string NoDefinitions =
        "this build has no slash command definitions to register; refusing to overwrite the registered commands with none";
}
