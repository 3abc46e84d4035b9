using EventBot.Domain.Common;

namespace EventBot.Bot.Chat;

/// <summary>A user as the chat platform names them; <see cref="IsBot"/> lets rules refuse bots.</summary>
public sealed record ChatUser(UserId Id, string DisplayName, bool IsBot = false);

/// <summary>
/// One incoming message, platform-neutral. <see cref="MessageId"/> is unique per platform message and becomes the
/// idempotency key of any append it causes, so a redelivered message never appends twice.
/// </summary>
public sealed record ChatMessage(
    string MessageId,
    GuildId? Guild,
    ChatUser Author,
    string Content,
    IReadOnlyList<ChatUser> Mentions,
    string Platform = "console")
{
    public Actor Actor => new(Author.Id, Author.DisplayName);

    /// <summary>
    /// The author's permissions in the channel (Discord's bit set), where the message carries them: an interaction's
    /// <c>member.permissions</c> does (<see cref="Interactions.SlashBinding"/>); a gateway message's member has no
    /// permissions field (Discord sends it only in interactions), so a typed command's are null: unknown.
    /// </summary>
    public ulong? MemberPermissions { get; init; }

    /// <summary>Discord's MANAGE_MESSAGES bit.</summary>
    public const ulong ManageMessages = 1UL << 13;

    /// <summary>A moderator: the console user, or a member whose known permissions include Manage Messages.</summary>
    public bool IsModerator => Platform == "console" || (MemberPermissions is { } p && (p & ManageMessages) != 0);

    public string IdempotencyKey => $"{Platform}:{MessageId}";
}

/// <summary>A reply: plain text always (console), and an embed where a richer client (Discord) reads it better.</summary>
public sealed record Reply(string Text, ReplyEmbed? Embed = null)
{
    public static Reply Of(string text) => new(text);

    /// <summary>
    /// For the caller's eyes only where the platform can do that (a slash command's ephemeral answer, flag 64); a prefix
    /// reply is always public. Every error in the one error style (<see cref="Md.Error"/>) counts as personal too.
    /// </summary>
    public bool Ephemeral { get; init; }

    /// <summary>Page buttons (◀ ▶) under the reply where the platform has buttons; a prefix reply names the next page in its text instead.</summary>
    public IReadOnlyList<ReplyButton> Buttons { get; init; } = [];

    /// <summary>
    /// A file that goes with the reply, for the caller alone (a <c>/privacy export</c>): on Discord an ephemeral
    /// attachment of the interaction's answer, or a DM for a typed command; the console writes files itself.
    /// </summary>
    public ReplyAttachment? Attachment { get; init; }

    /// <summary>Whether a slash command's answer should be ephemeral: marked so, or an error.</summary>
    public bool IsPersonal => Ephemeral || Text.StartsWith(Md.ErrorSign, StringComparison.Ordinal);
}

/// <summary>A file sent with a reply. Its bytes never appear in <see cref="ToString"/> (they are personal data).</summary>
public sealed record ReplyAttachment(string FileName, string ContentType, ReadOnlyMemory<byte> Content)
{
    /// <summary>
    /// Discord's default upload limit per file, 10 MiB (API reference, "Uploading Files"; higher only with boosts or
    /// Nitro), the largest a reply may carry.
    /// </summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    public override string ToString() => $"{FileName} ({ContentType}, {Content.Length} bytes)";
}

/// <summary>A button: <see cref="CustomId"/> (at most 100 characters) says everything needed to answer its click.</summary>
public sealed record ReplyButton(string CustomId, string Label, bool Disabled = false)
{
    /// <summary>Drawn red (Discord's danger style 4): for a click that cannot be undone.</summary>
    public bool Danger { get; init; }
}

public sealed record ReplyEmbed(string Title, string? Description, IReadOnlyList<ReplyField> Fields);

public sealed record ReplyField(string Name, string Value, bool Inline = false);
