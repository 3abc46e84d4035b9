using EventBot.Bot.Chat;
using EventBot.Bot.Hosting;
using EventBot.Bot.Interactions;
using EventBot.Domain.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventBot.Bot.Adapters.Console;

/// <summary>
/// Console chat: each stdin line is a message from the configured console user in the configured console server;
/// replies go to stdout (logs never do). At end of input the host stops and the process exits 0. On Ctrl-C or SIGTERM
/// it stops reading at once (a read of an interactive terminal cannot be cancelled, so it is abandoned, not awaited),
/// finishes the command in hand within <c>EVENTBOT_SHUTDOWN_SECONDS</c> and exits 0. The console is the operator's
/// own input: never rate-limited, so piped scripts run at full speed.
/// </summary>
public sealed class ConsoleChat(ChatBot bot, IOptions<BotOptions> options, IHostApplicationLifetime lifetime, ConsoleStreams streams, InteractionHandler interactions)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting (and log) before the first prompt.
        await Task.Yield();
        var settings = options.Value;
        var author = new ChatUser(UserId.FromName(settings.ConsoleUser), settings.ConsoleUser);
        var guild = GuildId.FromName(settings.ConsoleGuild);
        var users = await ConsoleUsers.JoinAsync(settings.DataDir, settings.ConsoleUser, stoppingToken);
        using var reader = new ConsoleLineReader(streams.Input);
        // The command in hand finishes even when the host is stopping; only the shutdown time limit cancels it.
        using var drain = new DrainWindow(TimeSpan.FromSeconds(settings.ShutdownSeconds), stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (streams.Interactive) await streams.Prompt.WriteAsync($"{settings.ConsoleUser}@{settings.ConsoleGuild}> ");
                var line = await reader.ReadLineAsync(stoppingToken);
                if (line is null) break;
                if (line is ConsoleLine.Text { Value: var slash } && slash.TrimStart().StartsWith('/'))
                {
                    await AnswerSlashAsync(slash, author, guild, users, drain.Token);
                    continue;
                }
                var reply = line switch
                {
                    ConsoleLine.Text text => await bot.HandleAsync(
                        new ChatMessage(Guid.CreateVersion7().ToString(), guild, author, text.Value, ConsoleMentions.Find(text.Value, users.Known)), drain.Token),
                    ConsoleLine.InvalidUtf8 => Reply.Of("That line is not valid UTF-8, so I could not read it. Nothing was done."),
                    ConsoleLine.TooLong tooLong => Reply.Of($"That line is too long ({tooLong.Bytes:N0} bytes). Nothing was done."),
                    _ => null,
                };
                if (reply is not null)
                {
                    await streams.Output.WriteLineAsync(reply.Text);
                    await streams.Output.FlushAsync(drain.Token);
                    StartupTrace.Mark("reply");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped while waiting for input or after the shutdown time ran out on a command.
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    /// <summary>A <c>/</c> line: the whole interaction path, as Discord would drive it (<see cref="ConsoleSlash"/>).</summary>
    private async Task AnswerSlashAsync(string line, ChatUser author, GuildId guild, ConsoleUsers users, CancellationToken ct)
    {
        var (interaction, error) = ConsoleSlash.Parse(line, author, guild, users.Known);
        if (interaction is null)
        {
            await streams.Output.WriteLineAsync(error);
        }
        else
        {
            var received = System.Diagnostics.Stopwatch.GetTimestamp();
            var start = await interactions.StartAsync(interaction, ConsoleSlash.Application, ct);
            Telemetry.BotTelemetry.RecordInteractionAck(received, (int)interaction.Type, (int)start.First.Type);
            await streams.Output.WriteLineAsync(ConsoleSlash.Render(start.First));
            if (start.Completion is { } completion) await streams.Output.WriteLineAsync(ConsoleSlash.Render(await completion));
        }
        await streams.Output.FlushAsync(ct);
    }
}

/// <summary>The process's standard streams, injectable so tests can drive the console adapter.</summary>
public sealed class ConsoleStreams(Stream input, TextWriter output, TextWriter prompt, bool interactive)
{
    public Stream Input { get; } = input;

    public TextWriter Output { get; } = output;

    public TextWriter Prompt { get; } = prompt;

    public bool Interactive { get; } = interactive;

    public static ConsoleStreams Process()
    {
        System.Console.OutputEncoding = new System.Text.UTF8Encoding(false);
        return new ConsoleStreams(System.Console.OpenStandardInput(), System.Console.Out, System.Console.Error, !System.Console.IsInputRedirected);
    }
}

/// <summary>
/// <c>@name</c> in console text mentions the console user of that name (ids derived like the author's);
/// <c>@"bob smith"</c> mentions a name with spaces. With <c>known</c>, only names it knows (and the bot) are mentions,
/// under the name it gives.
/// </summary>
public static class ConsoleMentions
{
    /// <summary>The bot's own name in the console; mentioning it mentions a bot.</summary>
    public const string BotName = "EventBot";

    public static IReadOnlyList<ChatUser> Find(string text, Func<string, string?>? known = null)
    {
        var found = new List<ChatUser>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '@' || (i > 0 && !char.IsWhiteSpace(text[i - 1]))) continue;
            string name;
            if (i + 1 < text.Length && text[i + 1] == '"' && text.IndexOf('"', i + 2) is var close and > 0)
            {
                name = string.Join(' ', text[(i + 2)..close].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                i = close;
            }
            else
            {
                var end = i + 1;
                while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] is '_' or '-' or '.')) end++;
                name = text[(i + 1)..end].TrimEnd('.');
            }
            if (name.Length is 0 or > 32 || name is "everyone" or "here") continue;
            var isBot = name.Equals(BotName, StringComparison.OrdinalIgnoreCase);
            if (!isBot && known is not null)
            {
                if (known(name) is not { } seen) continue;
                name = seen;
            }
            if (found.All(u => u.DisplayName != name)) found.Add(new ChatUser(UserId.FromName(name), name, IsBot: isBot));
        }
        return found;
    }
}
