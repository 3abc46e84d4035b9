using EventBot.Bot.Interactions;
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

/// <summary>The slices' own declarations (<see cref="SlashCommands.Definitions"/>, built from <c>Commands.Slash</c>).</summary>
public sealed class SlashCommandSource : IApplicationCommandSource
{
    public IReadOnlyList<ApplicationCommand> Definitions() => SlashCommands.Definitions;
}

public static class ApplicationCommandSourceRegistration
{
    /// <summary>The definitions' source, unless the host (or a test) registered one before.</summary>
    public static IServiceCollection AddApplicationCommandSource(this IServiceCollection services)
    {
        services.TryAddSingleton<IApplicationCommandSource, SlashCommandSource>();
        return services;
    }

    /// <summary>The one-line reason both sync paths give when a source has no definitions (registering none would delete every command).</summary>
    public const string NoDefinitions =
        "this build has no slash command definitions to register; refusing to overwrite the registered commands with none";
}
