using System.ComponentModel.DataAnnotations;

namespace EventBot.Bot.Hosting;

/// <summary>Bot settings, bound from <c>EVENTBOT_*</c> environment variables (or appsettings) and validated at start.</summary>
public sealed class BotOptions
{
    /// <summary>Command prefix (<c>EVENTBOT_PREFIX</c>). Default <c>.</c>.</summary>
    [Required, StringLength(5, MinimumLength = 1)]
    public string Prefix { get; set; } = ".";

    /// <summary>Where the SQLite file lives (<c>EVENTBOT_DATA_DIR</c>). Default <c>./data</c>, created if missing.</summary>
    [Required]
    public string DataDir { get; set; } = "data";

    /// <summary>Event store (<c>EVENTBOT_STORE</c>): <c>sqlite</c> (default) or <c>dynamodb</c>.</summary>
    [Required, RegularExpression("^(?i:sqlite|dynamodb)$", ErrorMessage = "EVENTBOT_STORE must be sqlite or dynamodb")]
    public string Store { get; set; } = "sqlite";

    /// <summary>
    /// Where projection runs in DynamoDB mode (<c>EVENTBOT_PROJECTOR</c>): <c>inprocess</c> (default: the Streams poller
    /// runs inside the bot) or <c>off</c> (a separate <c>projector</c> process or the Lambda does it).
    /// </summary>
    [Required, RegularExpression("^(?i:inprocess|off)$", ErrorMessage = "EVENTBOT_PROJECTOR must be inprocess or off")]
    public string Projector { get; set; } = "inprocess";

    /// <summary>Prefix of the DynamoDB table names (<c>EVENTBOT_TABLE_PREFIX</c>). Default <c>eventbot-</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{0,200}$", ErrorMessage = "EVENTBOT_TABLE_PREFIX may hold letters, digits, '_', '-' and '.' only")]
    public string TablePrefix { get; set; } = EventStore.DynamoDb.EventBotTables.DefaultPrefix;

    /// <summary>Parallel Scan segments when replay reads the DynamoDB events table (<c>EVENTBOT_SCAN_SEGMENTS</c>). Default 8.</summary>
    [Range(1, 64)]
    public int ScanSegments { get; set; } = 8;

    /// <summary>Create the DynamoDB tables at start when missing (<c>EVENTBOT_CREATE_TABLES</c>). Meant for local endpoints. Default false.</summary>
    public bool CreateTables { get; set; }

    /// <summary>Console user name (<c>EVENTBOT_CONSOLE_USER</c>). Default <c>console</c>; the id is derived from the name.</summary>
    [Required, StringLength(32, MinimumLength = 1)]
    public string ConsoleUser { get; set; } = "console";

    /// <summary>Console server name (<c>EVENTBOT_CONSOLE_GUILD</c>). Default <c>console</c>; the id is derived from the name.</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string ConsoleGuild { get; set; } = "console";

    /// <summary>How long a reply waits for its write to reach the read model (<c>EVENTBOT_READ_YOUR_WRITES_MS</c>). Default 5,000.</summary>
    [Range(0, 60_000)]
    public int ReadYourWritesMs { get; set; } = 5_000;

    /// <summary>
    /// How long one giver waits before sparkling the same person again (<c>EVENTBOT_SPARKLE_COOLDOWN_SECONDS</c>).
    /// Default 60; 0 turns the cooldown off; at most 86,400 (a day, the longest the sparkle state remembers givers).
    /// </summary>
    [Range(0, 86_400)]
    public int SparkleCooldownSeconds { get; set; } = 60;

    /// <summary>
    /// Traces and metrics (<c>EVENTBOT_TELEMETRY</c>): <c>off</c>, <c>console</c> (printed to standard error, for local
    /// use) or <c>otlp</c> (to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>). Unset: <c>otlp</c> when that endpoint is set, else off.
    /// </summary>
    [RegularExpression("^(off|console|otlp)$", ErrorMessage = "EVENTBOT_TELEMETRY must be off, console or otlp")]
    public string? Telemetry { get; set; }

    /// <summary>Log lines (<c>EVENTBOT_LOG_FORMAT</c>): <c>text</c> (default, one line each) or <c>json</c> (one JSON object per line, with scopes).</summary>
    [Required, RegularExpression("^(text|json)$", ErrorMessage = "EVENTBOT_LOG_FORMAT must be text or json")]
    public string LogFormat { get; set; } = "text";

    /// <summary>Port of the health and metrics listener (<c>EVENTBOT_HTTP_PORT</c>: /healthz, /readyz, /metrics). Unset: no listener; 0: any free port.</summary>
    [Range(0, 65_535)]
    public int? HttpPort { get; set; }

    /// <summary>/readyz fails while the projector is further behind than this (<c>EVENTBOT_READY_MAX_LAG_SECONDS</c>). Default 60.</summary>
    [Range(1, 86_400)]
    public int ReadyMaxLagSeconds { get; set; } = 60;

    /// <summary>The SQLite database file in <see cref="DataDir"/>.</summary>
    public string DatabasePath => Path.Combine(DataDir, "eventbot.db");

    /// <summary>
    /// How long a stopping bot (SIGTERM, Ctrl-C) may take to finish the messages it has already read
    /// (<c>EVENTBOT_SHUTDOWN_SECONDS</c>). Default 20; 1–600. It stops reading at once, answers what it has, then stops
    /// the projector; whatever is still running when the time is up is cancelled and logged.
    /// </summary>
    [Range(1, 600)]
    public int ShutdownSeconds { get; set; } = 20;

    /// <summary>
    /// Commands one Discord user may send in a row before the rate limit applies (<c>EVENTBOT_RATE_LIMIT_BURST</c>).
    /// Default 5; 1–1,000. The console is never limited.
    /// </summary>
    [Range(1, 1_000)]
    public int RateLimitBurst { get; set; } = 5;

    /// <summary>
    /// Commands per minute one Discord user gets back after a burst (<c>EVENTBOT_RATE_LIMIT_PER_MINUTE</c>): a token
    /// bucket of <see cref="RateLimitBurst"/> refilled at this rate. Default 20; 0 turns the limit off; at most 6,000.
    /// </summary>
    [Range(0, 6_000)]
    public int RateLimitPerMinute { get; set; } = 20;

    /// <summary>
    /// Discord servers whose commands run at the same time (<c>EVENTBOT_PARALLEL_GUILDS</c>); each server's own commands
    /// always run one after another, in the order they arrived. Default 8; 1–64.
    /// </summary>
    [Range(1, 64)]
    public int ParallelGuilds { get; set; } = 8;

    /// <summary>
    /// How long a slash command or button may take before its first answer becomes a deferral
    /// (<c>EVENTBOT_INTERACTION_BUDGET_MS</c>): within it the reply itself is the answer (type 4, or 7 for a button);
    /// after it the bot answers "thinking…" (type 5, or 6) and edits the reply in when it is ready. Discord drops an
    /// interaction not answered within 3 s, so the budget leaves room to send. Default 1,500; 0 always defers; at most 2,500.
    /// </summary>
    [Range(0, 2_500)]
    public int InteractionBudgetMs { get; set; } = 1_500;

    /// <summary>
    /// The local master key file (<c>EVENTBOT_KEY_FILE</c>, docs/privacy.md). Default <c>eventbot.key</c> in
    /// <see cref="DataDir"/>, created at first run with owner-only permissions. Back it up apart from the data: without
    /// it every encrypted field reads as erased. Not used when <see cref="KmsKeyId"/> is set.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>An AWS KMS key id, ARN or alias as the master key (<c>EVENTBOT_KMS_KEY_ID</c>). Unset: the key file.</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>
    /// Days a server's data is kept after the bot is removed from it (<c>EVENTBOT_GUILD_RETENTION_DAYS</c>), unless it is
    /// added back. Default 30; 0–3,650 (0: purged at the next check).
    /// </summary>
    [Range(0, 3_650)]
    public int GuildRetentionDays { get; set; } = 30;

    /// <summary>
    /// The in-place rewrite of events stored before encryption when they are erased (<c>EVENTBOT_LEGACY_REWRITE</c>,
    /// docs/privacy.md): <c>auto</c> (default: always on SQLite; on DynamoDB only in the operator's <c>privacy</c>
    /// verbs, whose credentials may Scan and write the events table), <c>on</c> or <c>off</c>.
    /// </summary>
    [Required, RegularExpression("^(?i:auto|on|off)$", ErrorMessage = "EVENTBOT_LEGACY_REWRITE must be auto, on or off")]
    public string LegacyRewrite { get; set; } = "auto";

    /// <summary>The key file in use.</summary>
    public string KeyFilePath => KeyFile is { Length: > 0 } file ? file : Path.Combine(DataDir, "eventbot.key");

    /// <summary>
    /// Register the slash commands at start, after READY (<c>EVENTBOT_SYNC_COMMANDS</c>): <c>off</c> (default),
    /// <c>global</c> or <c>guild:ID</c>. Only a difference from what Discord holds is sent (one bulk overwrite).
    /// </summary>
    [Required, RegularExpression("^(?i:off|global|guild:[0-9]{1,20})$", ErrorMessage = "EVENTBOT_SYNC_COMMANDS must be off, global or guild:<server id>")]
    public string SyncCommands { get; set; } = "off";

    /// <summary>Longest message the parser looks at; longer ones get a clear refusal. Discord's own limit is 4,000.</summary>
    public const int MaxMessageLength = 4_000;
}

/// <summary>
/// The checks of <see cref="BotOptions"/>' attributes, generated at compile time (the options validation source
/// generator): the same rules and messages as <c>ValidateDataAnnotations</c>, without its reflection over the
/// attributes at every start (docs/performance.md, start-up).
/// </summary>
[Microsoft.Extensions.Options.OptionsValidator]
public sealed partial class BotOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<BotOptions>;
