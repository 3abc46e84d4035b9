using System.Diagnostics;
using System.Net;
using EventBot.Bot.Hosting;
using EventBot.Bot.Telemetry;
using EventBot.Domain.Common;
using EventBot.EventStore;
using EventBot.Projections.Feeds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace EventBot.Bot.Tests.Telemetry;

/// <summary>
/// Traces and metrics from a chat message to its read model, through the real container on SQLite, with the
/// in-memory exporters. Sources and meters are process-wide and other test classes run in parallel, so every
/// assertion picks this test's own spans by its guild and trace.
/// </summary>
public sealed class TelemetryTests
{
    private static IEnumerable<(string Name, Dictionary<string, object?> Tags)> Points(IEnumerable<MetricSnapshot> metrics, string name)
    {
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (var point in metric.MetricPoints)
            {
                var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in point.Tags) tags[tag.Key] = tag.Value;
                yield return (metric.Name, tags);
            }
        }
    }

    [Fact]
    public async Task Remember_then_recall_gives_a_command_span_with_its_children_a_linked_projector_span_and_the_metrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        var guild = GuildId.FromName($"otel-{Guid.NewGuid():N}");
        await using var h = await BotHarness.StartAsync(configure: services => services.AddEventBotOpenTelemetry()
            .WithTracing(t => t.AddInMemoryExporter(spans))
            .WithMetrics(m => m.AddInMemoryExporter(metrics)));

        Assert.Equal("Remembered `k`: v", await h.SayAsync(".remember k is v", guild: guild));
        Assert.Equal("`k` is v", await h.SayAsync(".remember k", guild: guild));
        // A conflict, as a second writer would cause it: counted, never an exception.
        var stale = await h.Host.Services.GetRequiredService<IEventStore>().AppendAsync(new StreamName($"remember/{guild}/k"), 0,
            [new EventData("ValueRemembered", 1, """{"key":"k","value":"w"}""")], new AppendContext(guild.ToString(), "1", "x", $"raw:{Guid.NewGuid()}"), default);
        Assert.IsType<AppendResult.WrongExpectedVersion>(stale);
        await h.Host.Services.GetRequiredService<LagReporter>().ReportOnceAsync(default);

        Activity[] Snapshot()
        {
            lock (spans) return [.. spans];
        }
        var commands = Snapshot().Where(s => s.OperationName == "eventbot.command" && Equals(s.GetTagItem("eventbot.guild"), guild.ToString())).ToList();
        Assert.Equal(2, commands.Count);
        var remember = commands.Single(s => Equals(s.GetTagItem("eventbot.command"), "RememberValue"));
        var recall = commands.Single(s => Equals(s.GetTagItem("eventbot.command"), "Recall"));
        Assert.Equal(("appended", "ok"), (remember.GetTagItem("eventbot.outcome"), recall.GetTagItem("eventbot.outcome")));
        Assert.DoesNotContain(remember.TagObjects, t => t.Value is string text && text.Contains("is v", StringComparison.Ordinal));

        var children = Snapshot().Where(s => s.ParentSpanId == remember.SpanId).ToList();
        // Since issue 19 the write does not wait for the projector; the read after it does (its own child span).
        Assert.Equal(["eventbot.append", "eventbot.decide", "eventbot.load"], children.Select(s => s.OperationName).Order());
        var append = children.Single(s => s.OperationName == "eventbot.append");
        Assert.Equal(EventStoreSource, append.Source.Name);
        Assert.Equal($"remember/{guild}/k", append.GetTagItem("eventbot.stream"));
        Assert.Equal(0L, append.GetTagItem("eventbot.expected_version"));
        Assert.Equal(1, append.GetTagItem("eventbot.events"));
        var wait = Snapshot().Single(s => s.ParentSpanId == recall.SpanId && s.OperationName == "eventbot.read_your_writes.wait");
        Assert.Equal(true, wait.GetTagItem("eventbot.caught_up"));

        // The projector's batch span is its own trace, linked to the append of the command (via the envelope's traceparent).
        Activity? projected = null;
        for (var i = 0; i < 200 && projected is null; i++)
        {
            projected = Snapshot().FirstOrDefault(s => s.OperationName == "eventbot.project" && s.Links.Any(l => l.Context.SpanId == append.SpanId));
            if (projected is null) await Task.Delay(50);
        }
        Assert.NotNull(projected);
        Assert.Equal(remember.TraceId, projected.Links.Single(l => l.Context.SpanId == append.SpanId).Context.TraceId);
        Assert.Equal("sqlite-tail", projected.GetTagItem("eventbot.feed"));
        var stored = Assert.Single(await h.Host.Services.GetRequiredService<IEventReader>().ReadStreamAsync(new StreamName($"remember/{guild}/k"), 1, default));
        Assert.Equal(append.Id, stored.TraceParent);

        Assert.True(h.Host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        List<MetricSnapshot> exported;
        lock (metrics) exported = [.. metrics];
        Assert.Contains(Points(exported, "eventbot.command.duration"), p => Equals(p.Tags["eventbot.command"], "RememberValue") && Equals(p.Tags["eventbot.outcome"], "appended"));
        Assert.Contains(Points(exported, "eventbot.command.duration"), p => Equals(p.Tags["eventbot.command"], "Recall") && Equals(p.Tags["eventbot.outcome"], "ok"));
        Assert.Contains(Points(exported, "eventbot.events.appended"), p => Equals(p.Tags["eventbot.event.type"], "ValueRemembered"));
        Assert.Contains(Points(exported, "eventbot.append.duration"), p => Equals(p.Tags["eventbot.store"], "sqlite") && Equals(p.Tags["eventbot.outcome"], "appended"));
        Assert.Contains(Points(exported, "eventbot.append.conflicts"), p => Equals(p.Tags["eventbot.store"], "sqlite"));
        Assert.Contains(Points(exported, "eventbot.projector.applied"), p => Equals(p.Tags["eventbot.feed"], "sqlite-tail"));
        Assert.Contains(Points(exported, "eventbot.projector.lag"), p => Equals(p.Tags["eventbot.feed"], "sqlite-tail") && Equals(p.Tags["eventbot.projection"], "remember-values"));
        Assert.NotEmpty(Points(exported, "eventbot.deadletters"));
    }

    private const string EventStoreSource = "EventBot.EventStore";

    [Fact]
    public async Task Json_logs_are_one_object_per_line_with_the_message_guild_and_trace_in_their_scopes()
    {
        var captured = new ScopeCapture();
        var guild = GuildId.FromName($"logs-{Guid.NewGuid():N}");
        await using var h = await BotHarness.StartAsync(new Dictionary<string, string?> { ["EVENTBOT_LOG_FORMAT"] = "json" }, services =>
        {
            services.AddEventBotOpenTelemetry();
            services.AddSingleton<ILoggerProvider>(captured);
            services.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Debug);
        });

        await h.SayAsync(".remember k is v", guild: guild, messageId: "json-1");

        var console = h.Host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var json = h.Host.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;
        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName);
        Assert.True(json.IncludeScopes);
        Assert.False(json.JsonWriterOptions.Indented);
        // The pipeline's "handled" line, written inside the command: message id, guild, trace and span ids.
        var handled = captured.Lines.First(l => l.Message.Contains("RememberValue", StringComparison.Ordinal) && l.Scopes.ContainsKey("MessageId"));
        Assert.Equal("console:json-1", handled.Scopes["MessageId"]);
        Assert.Equal(guild.ToString(), handled.Scopes["Guild"]);
        Assert.Matches("^[0-9a-f]{32}$", handled.Scopes["TraceId"]);
    }

    /// <summary>Records each line's message and the scopes around it, as the JSON formatter would write them.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public List<(string Message, Dictionary<string, string?> Scopes)> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new Dictionary<string, string?>(StringComparer.Ordinal);
                owner._scopes?.ForEachScope((scope, into) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        foreach (var (key, value) in pairs) into[key] = value?.ToString();
                }, scopes);
                lock (owner.Lines) owner.Lines.Add((formatter(state, exception), scopes));
            }
        }
    }

    [Fact]
    public async Task The_running_bot_answers_healthz_readyz_and_metrics_over_http()
    {
        await using var h = await BotHarness.StartAsync(new Dictionary<string, string?> { ["EVENTBOT_HTTP_PORT"] = "0" }, fakeTime: false);
        var guild = GuildId.FromName($"http-{Guid.NewGuid():N}");
        Assert.Equal("Remembered `k`: v", await h.SayAsync(".remember k is v", guild: guild));
        Assert.Equal("`k` is v", await h.SayAsync(".remember k", guild: guild)); // the read waits for the projector: 0 s behind after it
        await h.Host.Services.GetRequiredService<LagReporter>().ReportOnceAsync(default);
        var address = Assert.Single(h.Host.Services.GetRequiredService<HttpEndpointsService>().Addresses);
        using var http = new HttpClient { BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)) };

        using var health = await http.GetAsync("/healthz");
        using var ready = await http.GetAsync("/readyz");
        using var scrape = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var readyText = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.StatusCode == HttpStatusCode.OK, readyText);
        Assert.StartsWith("ready\nstore: reachable\nprojector sqlite-tail: 0 s behind", readyText);
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("eventbot_command_duration", text);
        Assert.Contains("eventbot_command=\"RememberValue\"", text);
        Assert.Contains("eventbot_projector_lag", text);
    }

    [Fact]
    public async Task Readyz_fails_while_the_projector_is_further_behind_than_the_limit()
    {
        await using var h = await BotHarness.StartAsync(new Dictionary<string, string?> { ["EVENTBOT_READY_MAX_LAG_SECONDS"] = "5", ["EVENTBOT_READ_YOUR_WRITES_MS"] = "0" });
        var tail = h.Host.Services.GetRequiredService<SqliteTail>();
        await tail.StopAsync(default);
        await h.Host.Services.GetRequiredService<IEventStore>().AppendAsync(new StreamName("remember/1/lagging"), 0,
            [new EventData("ValueRemembered", 1, """{"key":"lagging","value":"v"}""")], new AppendContext("1", "1", "x", "raw:lag"), default);
        h.Time.Advance(TimeSpan.FromSeconds(6));
        await h.Host.Services.GetRequiredService<LagReporter>().ReportOnceAsync(default);

        var (ready, lines) = await h.Host.Services.GetRequiredService<ReadinessProbe>().CheckAsync(default);

        Assert.False(ready, string.Join('\n', lines));
        Assert.Contains("projector sqlite-tail: 6 s behind (limit 5 s)", lines);
    }
}
