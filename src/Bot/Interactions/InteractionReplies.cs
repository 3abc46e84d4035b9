using EventBot.Bot.Chat;
using EventBot.Discord;
using EventBot.Discord.Interactions;

namespace EventBot.Bot.Interactions;

/// <summary>How a <see cref="Reply"/> reads on Discord: as a message reply (prefix) or an interaction message (slash).</summary>
public static class InteractionReplies
{
    /// <summary>Discord's limit on a message's content.</summary>
    public const int MaxContent = 2_000;

    /// <summary>The reply's embed within Discord's limits (title 256, description 4,096, field name 256, value 1,024, 25 fields).</summary>
    public static IReadOnlyList<DiscordEmbed>? Embeds(Reply reply) =>
        reply.Embed is { } e
            ? [new DiscordEmbed(Md.Shorten(e.Title, 256), e.Description is null ? null : Md.Clip(e.Description, 4096),
                [.. e.Fields.Take(25).Select(f => new DiscordEmbedField(Md.Shorten(f.Name, 256), Md.Clip(f.Value, 1024), f.Inline))])]
            : null;

    /// <summary>The reply's file as Discord uploads it; null when it has none.</summary>
    public static IReadOnlyList<DiscordFile>? Files(Reply reply) =>
        reply.Attachment is { } a ? [new DiscordFile(a.FileName, a.ContentType, a.Content)] : null;

    /// <summary>
    /// The interaction message of a reply: its embed (else its text), its page buttons in one row, and flag 64 when it is
    /// personal (marked so, an error, or a command declared personal such as <c>/help</c>), and its file.
    /// </summary>
    public static InteractionMessage Message(Reply reply, bool personal = false)
    {
        var embeds = Embeds(reply);
        IReadOnlyList<DiscordActionRow>? rows = reply.Buttons.Count == 0
            ? null
            : [new DiscordActionRow([.. reply.Buttons.Select(b => new DiscordButton(b.CustomId, b.Label, Style: b.Danger ? 4 : 2, b.Disabled))])];
        return new InteractionMessage(embeds is null ? Md.Clip(reply.Text, MaxContent) : null, embeds, rows, personal || reply.IsPersonal, Files(reply));
    }
}
