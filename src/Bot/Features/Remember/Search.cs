using EventBot.Bot.Chat;
using EventBot.Bot.Parsing;
using EventBot.Bot.Pipeline;
using EventBot.Domain.Common;
using EventBot.Projections.Core;
using EventBot.Projections.Remember;
using Mediator;

namespace EventBot.Bot.Features.Remember;

/// <summary><c>.remember search [text]</c>: this server's keys, best matches first; a Query on the guild's partition.</summary>
public static class Search
{
    public const int Shown = 20;

    public const int MaxText = 200;

    public static readonly CommandSyntax Syntax = new(RememberVerb.Verb, "search",
        [new("remember search [text]", "list this server's keys, best matches first")], Parse)
    {
        Options = [new("text", OptionKind.Text, "what to look for", Required: false)],
    };

    public static readonly SlashSyntax Slash = new(RememberVerb.Slash, "search", "List this server's keys, best matches first",
        [new("text", OptionKind.Text, "what to look for", Required: false) { MaxLength = MaxText }], Bind);

    public sealed record Query(ChatMessage Chat, string? Text) : IQuery<Reply>, IGuildScoped;

    public sealed class Handler(ReadModels readModels) : IQueryHandler<Query, Reply>
    {
        public async ValueTask<Reply> Handle(Query query, CancellationToken cancellationToken)
        {
            var rows = await readModels.QueryAsync(RememberedValues.ProjectionName, query.Chat.Guild!.Value.ToString(), cancellationToken);
            var live = rows.Select(RememberedValues.Read).Where(v => v is { Live: true }).Select(v => v!);
            return SearchReplies.Render(query.Text, Rank(live, TextRules.Fold(query.Text ?? "")));
        }
    }

    /// <summary>Every key A–Z without search text; else the keys that match, best first; ties in natural order (key2 before key10).</summary>
    public static IReadOnlyList<RememberedValue> Rank(IEnumerable<RememberedValue> live, string folded) =>
        folded.Length == 0
            ? [.. live.OrderBy(v => TextRules.Fold(v.Key), NaturalOrder.Instance)]
            : Ranked(live, FuzzyMatch.Prepare(folded));

    private static IReadOnlyList<RememberedValue> Ranked(IEnumerable<RememberedValue> live, FuzzyMatch.Pattern pattern) =>
        [.. live.Select(v => (Value: v, Score: pattern.Score(TextRules.Fold(v.Key))))
            .Where(m => m.Score > 0)
            .OrderByDescending(m => m.Score).ThenBy(m => TextRules.Fold(m.Value.Key), NaturalOrder.Instance)
            .Select(m => m.Value)];

    private static ParseResult Bind(SlashInput input) =>
        input.Text("text") is { Length: > MaxText }
            ? input.ValueError($"the search text is longer than {MaxText} characters")
            : CommandInput.Request(new Query(input.Chat, input.Text("text")?.Trim()));

    private static ParseResult Parse(CommandInput input) =>
        input.Args.Length > MaxText
            ? input.ValueError($"the search text is longer than {MaxText} characters")
            : CommandInput.Request(new Query(input.Chat, input.Args.Length == 0 ? null : input.Args));
}
