using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using EventBot.Bot.Chat;
using EventBot.Discord;
using EventBot.EventStore.Telemetry;
using EventBot.Projections.Feeds;
using EventBot.Projections.Feeds.Streams;
using EventBot.Projections.Telemetry;

namespace EventBot.Bot.Telemetry;

/// <summary>
/// The bot layer's traces and metrics (<c>EventBot.Bot</c>): the command span with its load and decide children, and
/// <c>eventbot.command.duration</c>. Also the list of every EventBot source and meter, for whoever exports them.
/// </summary>
public static class BotTelemetry
{
    public const string Name = "EventBot.Bot";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>("eventbot.command.duration", "s",
        "Time from a parsed chat command to its reply (read-your-writes wait included), by command and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>Promised by the telemetry issue (18), delivered with slash commands (15): Discord drops an interaction not answered in 3 s.</summary>
    public static readonly Histogram<double> InteractionAck = Meter.CreateHistogram<double>("eventbot.interaction.ack", "ms",
        "Time from an interaction received to its first callback sent (a reply, a deferral, choices or a pong), by interaction and callback type.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 10, 25, 50, 100, 250, 500, 1000, 1500, 2000, 2500, 3000, 5000] });

    public const string InteractionTypeAttribute = "eventbot.interaction.type";
    public const string CallbackTypeAttribute = "eventbot.interaction.callback";

    /// <summary>Records <see cref="InteractionAck"/> for one interaction: <paramref name="started"/> is a <see cref="Stopwatch"/> timestamp.</summary>
    public static double RecordInteractionAck(long started, int interactionType, int callbackType)
    {
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        InteractionAck.Record(ms, new KeyValuePair<string, object?>(InteractionTypeAttribute, interactionType), new KeyValuePair<string, object?>(CallbackTypeAttribute, callbackType));
        return ms;
    }

    public const string CommandAttribute = "eventbot.command";
    public const string OutcomeAttribute = "eventbot.outcome";
    public const string GuildAttribute = "eventbot.guild";
    public const string MessageAttribute = "eventbot.message_id";

    /// <summary>Every EventBot activity source, one per layer.</summary>
    public static readonly string[] ActivitySources = [Name, EventStoreTelemetry.Name, ProjectionsTelemetry.Name, DiscordTelemetry.Name];

    /// <summary>Every EventBot meter (the Streams poller keeps its own, older meter name).</summary>
    public static readonly string[] Meters = [Name, EventStoreTelemetry.Name, ProjectionsTelemetry.Name, LagReporter.MeterName, DiscordTelemetry.Name, StreamsPollerMetrics.MeterName];

    /// <summary>True when anything listens to the bot layer's spans or metrics: the off switch of the hot path.</summary>
    public static bool Enabled => Source.HasListeners() || CommandDuration.Enabled;

    /// <summary>A child span around loading a stream (null when nothing listens).</summary>
    public static Activity? StartLoad(string stream)
    {
        var activity = Source.StartActivity("eventbot.load");
        activity?.SetTag(EventStoreTelemetry.StreamAttribute, stream);
        return activity;
    }

    /// <summary>Runs a pure decision (on the state and the stream's events) inside an <c>eventbot.decide</c> span when something listens.</summary>
    public static T Decide<TState, THistory, T>(Func<TState, THistory, T> decide, TState state, THistory history)
    {
        using var activity = Source.StartActivity("eventbot.decide");
        return decide(state, history);
    }

    /// <summary>Runs a pure decision inside an <c>eventbot.decide</c> span when something listens.</summary>
    public static T Decide<TState, T>(Func<TState, T> decide, TState state)
    {
        using var activity = Source.StartActivity("eventbot.decide");
        return decide(state);
    }
}

/// <summary>
/// One chat command in flight: its span (<c>eventbot.command</c>: command name, guild, message id, outcome; never the
/// text), its duration and its outcome, which the aggregate service sets from deeper in the call. Null when telemetry
/// is off, so the hot path pays one flag check.
/// </summary>
public sealed class CommandTelemetry : IDisposable
{
    private static readonly AsyncLocal<CommandTelemetry?> Current = new();
    private static readonly ConcurrentDictionary<Type, string> Names = new();
    private static readonly ConcurrentDictionary<Type, string> Outcomes = new();
    private readonly Activity? _activity;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly string _command;

    private CommandTelemetry(string command, ChatMessage chat)
    {
        _command = command;
        _activity = BotTelemetry.Source.StartActivity("eventbot.command", ActivityKind.Server);
        if (_activity is not null)
        {
            _activity.SetTag(BotTelemetry.CommandAttribute, command);
            _activity.SetTag(BotTelemetry.GuildAttribute, chat.Guild?.ToString() ?? "dm");
            _activity.SetTag(BotTelemetry.MessageAttribute, chat.IdempotencyKey);
        }
    }

    public string Outcome { get; private set; } = "ok";

    public static CommandTelemetry? Start(object request, ChatMessage chat)
    {
        if (!BotTelemetry.Enabled) return null;
        var command = new CommandTelemetry(NameOf(request.GetType()), chat);
        Current.Value = command;
        return command;
    }

    /// <summary>Sets the running command's outcome from a result value (its type name, snake-cased) and returns the value.</summary>
    public static T Record<T>(T result) where T : notnull
    {
        if (Current.Value is { } command) command.Outcome = Outcomes.GetOrAdd(result.GetType(), t => SnakeCase(t.Name));
        return result;
    }

    /// <summary>For an exception filter: marks the command failed and returns false (the exception goes on).</summary>
    public static bool Fail(CommandTelemetry? command, Exception ex)
    {
        if (command is null || ex is OperationCanceledException) return false;
        command.Outcome = "error";
        command._activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
        return false;
    }

    public void Dispose()
    {
        BotTelemetry.CommandDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds,
            new KeyValuePair<string, object?>(BotTelemetry.CommandAttribute, _command), new KeyValuePair<string, object?>(BotTelemetry.OutcomeAttribute, Outcome));
        if (_activity is not null)
        {
            _activity.SetTag(BotTelemetry.OutcomeAttribute, Outcome);
            _activity.Dispose();
        }
        if (ReferenceEquals(Current.Value, this)) Current.Value = null;
    }

    /// <summary>The slice's name: <c>RememberValue.Command</c> → <c>RememberValue</c>.</summary>
    private static string NameOf(Type type) => Names.GetOrAdd(type, t => t.DeclaringType?.Name ?? t.Name);

    private static string SnakeCase(string pascal)
    {
        var result = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) result.Append('_');
            result.Append(char.ToLowerInvariant(pascal[i]));
        }
        return result.ToString();
    }
}
