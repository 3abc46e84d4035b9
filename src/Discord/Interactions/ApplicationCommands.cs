namespace EventBot.Discord.Interactions;

/// <summary>Application command option types (Discord docs: Application Command Option Type); the names are Discord's.</summary>
#pragma warning disable CA1720 // Discord names the types STRING and INTEGER.
public enum ApplicationCommandOptionType
{
    SubCommand = 1,
    SubCommandGroup = 2,
    String = 3,
    Integer = 4,
    Boolean = 5,
    User = 6,
    Channel = 7,
    Role = 8,
    Mentionable = 9,
    Number = 10,
    Attachment = 11,
}
#pragma warning restore CA1720

/// <summary>A CHAT_INPUT (type 1) application command as it is registered with Discord.</summary>
public sealed record ApplicationCommand(string Name, string Description, IReadOnlyList<ApplicationCommandOption> Options);

/// <summary>An option of an application command; subcommands and groups nest <see cref="Options"/>.</summary>
public sealed record ApplicationCommandOption(
    ApplicationCommandOptionType Type,
    string Name,
    string Description,
    bool Required = false,
    IReadOnlyList<ApplicationCommandChoice>? Choices = null,
    bool Autocomplete = false,
    IReadOnlyList<ApplicationCommandOption>? Options = null,
    long? MinValue = null,
    long? MaxValue = null,
    int? MinLength = null,
    int? MaxLength = null);

public sealed record ApplicationCommandChoice(string Name, string Value);
