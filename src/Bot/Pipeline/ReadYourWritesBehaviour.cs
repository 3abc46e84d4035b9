using EventBot.Bot.Chat;
using Mediator;

namespace EventBot.Bot.Pipeline;

/// <summary>
/// Before a server's query runs, waits until the projector has applied the server's recent writes
/// (<see cref="PendingWrites"/>), so a recall right after a change shows it, whoever asks. When the bounded wait runs
/// out, the query still answers, with a note that the read model is catching up.
/// </summary>
public sealed class ReadYourWritesBehaviour<TMessage, TResponse>(PendingWrites pending) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public const string CatchingUp = "(a recent change in this server is saved, but the read model is still catching up, so this may not show it yet)";

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not (IBaseQuery and IGuildScoped { Chat.Guild: { } guild }) || typeof(TResponse) != typeof(Reply))
            return await next(message, cancellationToken);
        var caughtUp = await pending.WaitAsync(guild.ToString(), cancellationToken);
        var response = await next(message, cancellationToken);
        return caughtUp || response is not Reply reply ? response : (TResponse)(object)WithNote(reply);
    }

    private static Reply WithNote(Reply reply) => reply with
    {
        Text = $"{reply.Text}\n{CatchingUp}",
        Embed = reply.Embed is { } embed ? embed with { Fields = [.. embed.Fields, new ReplyField("Note", CatchingUp)] } : null,
    };
}
