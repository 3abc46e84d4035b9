using EventBot.Bot.Parsing;
using EventBot.Bot.Telemetry;
using Mediator;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Chat;

/// <summary>
/// The one entry point every chat adapter calls: parse, send through the mediator pipeline, answer.
/// Adapters only build the <see cref="ChatMessage"/> and deliver the <see cref="Reply"/>.
/// </summary>
public sealed partial class ChatBot(CommandParser parser, IMediator mediator, ILogger<ChatBot> logger)
{
    /// <summary>The reply to send, or null when the message was not for the bot.</summary>
    public async Task<Reply?> HandleAsync(ChatMessage message, CancellationToken ct)
    {
        ParseResult parsed;
        try
        {
            parsed = parser.Parse(message);
        }
        catch (Exception ex)
        {
            return Failed(ex, message);
        }
        return parsed is ParseResult.Ignored ? null : await RunAsync(message, parsed, ct);
    }

    /// <summary>
    /// Answers a request already built from <paramref name="message"/> (by the prefix parser or a slash command's
    /// binding): an invalid one with its reason, a valid one through the mediator pipeline.
    /// </summary>
    public async Task<Reply> RunAsync(ChatMessage message, ParseResult parsed, CancellationToken ct)
    {
        try
        {
            switch (parsed)
            {
                case ParseResult.Ignored:
                    throw new InvalidOperationException("An ignored message has no reply.");
                case ParseResult.Invalid invalid:
                    return Reply.Of(invalid.Reply);
                case ParseResult.Request request:
                    using (var command = CommandTelemetry.Start(request.Message, message))
                    using (logger.BeginScope(new ChatScope(message)))
                    {
                        try
                        {
                            return await mediator.Send(request.Message, ct) as Reply
                                ?? throw new InvalidOperationException($"{request.Message.GetType().Name} answered no reply.");
                        }
                        catch (Exception ex) when (CommandTelemetry.Fail(command, ex))
                        {
                            throw; // never reached: the filter only records the failure
                        }
                    }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return Failed(ex, message);
        }
        throw new InvalidOperationException("Unknown parse result.");
    }

    private Reply Failed(Exception ex, ChatMessage message)
    {
        var reference = Guid.CreateVersion7().ToString("N")[..12];
        // A stream that kept changing is a handled conflict: its reason, no stack trace.
        if (ex is Pipeline.ConcurrencyException) Log.KeptConflicting(logger, reference, ex.Message);
        else Log.Failed(logger, ex, reference, message.IdempotencyKey, message.Guild?.ToString() ?? "dm");
        return new Reply($"Sorry, that failed on my side (error {reference}). Nothing you had saved is lost; try again in a moment.") { Ephemeral = true };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Handling message {MessageId} in guild {GuildId} failed (error {Reference})")]
        public static partial void Failed(ILogger logger, Exception ex, string reference, string messageId, string guildId);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Handling a message gave up on conflicts (error {Reference}): {Reason}")]
        public static partial void KeptConflicting(ILogger logger, string reference, string reason);
    }
}

/// <summary>
/// The log scope of one chat message: its id (the correlation id of whatever it appends) and its guild. Shows as
/// <c>MessageId</c> and <c>Guild</c> in JSON logs; never the text.
/// </summary>
internal sealed class ChatScope(ChatMessage message) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("MessageId", message.IdempotencyKey),
        1 => new("Guild", message.Guild?.ToString() ?? "dm"),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public int Count => 2;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{message.IdempotencyKey} in {message.Guild?.ToString() ?? "dm"}";
}
