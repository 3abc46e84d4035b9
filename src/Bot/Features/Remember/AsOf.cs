using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Remember;
using EventBot.EventStore;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary>
/// <c>.remember &lt;key&gt; as of &lt;time&gt;</c>: the value the key had then, folded from the key's own stream (strongly
/// consistent; the read model only knows the present).
/// </summary>
public static class AsOf
{
    public static readonly CommandSyntax Syntax = new(RememberVerb.Verb, null,
        [new("remember <key> as of <time>", "the value a key had then (`2026-11-20`, `2026-11-20T14:30Z`, `3d ago`, `2h ago`, `15m ago`)")], Parse)
    {
        Options = [new("key", OptionKind.Text, "the key"), new("time", OptionKind.Text, "a date, a date and time, or `3d ago`")],
    };

    /// <summary><c>/remember as-of key:… time:…</c> (Discord names allow a hyphen, not a space).</summary>
    public static readonly SlashSyntax Slash = new(RememberVerb.Slash, "as-of", "The value a key had at a past time",
        [RememberVerb.KeyOption("the key"), new("time", OptionKind.Text, "2026-11-20, 2026-11-20T14:30Z, 3d ago, 2h ago or 15m ago")],
        input => input.Text("key") is not { } key ? SlashInput.Missing("key")
            : input.Text("time") is not { } at ? SlashInput.Missing("time")
            : input.Validated(MemoryKey.Create(key), k => new Query(input.Chat, k, at.Trim())));

    public sealed record Query(ChatMessage Chat, MemoryKey Key, string Time) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(IEventReader store, EventCodec codec, TimeProvider time) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var at = PointInTime.Parse(query.Time, time.GetUtcNow());
            if (!at.IsValid) return Reply.Of(Md.Error(at.Error!));
            var events = await store.ReadStreamAsync(new StreamName(RememberStream.For(query.Chat.Guild!.Value, query.Key)), 1, cancellationToken);
            return RememberReplies.AsOf(query.Key, at.Value, events, e => (RememberEvent)codec.Decode(e));
        }
    }

    private static ParseResult? Parse(CommandInput input)
    {
        var args = input.Args;
        if (RememberVerb.FindWordIs(args) >= 0 || RememberVerb.FindAsOf(args) is not { } asOf) return null;
        var keyText = args[..asOf].Trim();
        return keyText.Length == 0
            ? CommandInput.Invalid($"The key is empty. Usage: `{input.Prefix}remember <key> as of <time>`.")
            : input.Validated(MemoryKey.Create(keyText), key => new Query(input.Chat, key, args[(asOf + " as of".Length)..].Trim()));
    }
}
