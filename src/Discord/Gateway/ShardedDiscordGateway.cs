using System.Text.Json;
using EventBot.Discord.Interactions;
using EventBot.Discord.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventBot.Discord.Gateway;

/// <summary>
/// Several shards in one process behind the one <see cref="IDiscordGateway"/> port: each shard is its own session (its
/// own <see cref="DiscordGatewayClient"/>), all run at once and hand their messages (and interactions) to the same
/// handlers. They share one
/// <see cref="IdentifyGate"/> (buckets of <c>shard_id % max_concurrency</c>, 5 s apart) and nothing else: a resumable
/// close resumes that shard only, while a fatal close on any shard stops them all (the others close with 1000 and
/// hand over what they had read) and <see cref="RunAsync"/> throws it, naming the shard.
/// </summary>
/// <remarks>
/// The handler is called concurrently from different shards (each shard's messages in order). A guild lives on one
/// shard (<c>shard_id = (guild_id &gt;&gt; 22) % num_shards</c>), so one guild's messages stay in order; DMs arrive on shard 0.
/// </remarks>
public sealed partial class ShardedDiscordGateway : IDiscordGateway
{
    private readonly DiscordOptions _options;
    private readonly DiscordRestClient _rest;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILogger _shardLogger;
    private readonly Func<double>? _random;
    private readonly TaskCompletionSource<DiscordUser> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IReadOnlyList<(int Id, DiscordGatewayClient Client)> _shards = [];
    private volatile IdentifyGate? _identifyGate;
    private int _running;

    /// <param name="shardLogger">Where every shard's client logs, each line prefixed with its shard.</param>
    /// <param name="random">Uniform [0, 1) jitter source handed to every shard; tests pass a fixed one.</param>
    public ShardedDiscordGateway(IOptions<DiscordOptions> options, DiscordRestClient rest, TimeProvider time, ILogger<ShardedDiscordGateway> logger,
        ILogger<DiscordGatewayClient> shardLogger, Func<double>? random = null)
    {
        _options = options.Value;
        _rest = rest;
        _time = time;
        _logger = logger;
        _shardLogger = shardLogger;
        _random = random;
    }

    /// <summary>Ready when every shard of this process is ready; per-shard detail otherwise.</summary>
    public ShardedGatewayHealth Health { get; } = new();

    /// <summary>The shards this process runs and their clients; empty until <see cref="RunAsync"/> has resolved them.</summary>
    public IReadOnlyList<(int Id, DiscordGatewayClient Client)> Shards => _shards;

    /// <summary>The identify coordination of the running shards (tests watch it).</summary>
    internal IdentifyGate? IdentifyGate => _identifyGate;

    public DiscordUser? CurrentUser => _shards.Select(s => s.Client.CurrentUser).FirstOrDefault(u => u is not null);

    /// <summary>READY's <c>application.id</c> from any shard (one bot, one application).</summary>
    public string? ApplicationId => _shards.Select(s => s.Client.ApplicationId).FirstOrDefault(a => a is not null);

    /// <summary>Handed to every shard's client: each shard's GUILD_CREATE/GUILD_DELETE on that shard's queue.</summary>
    public Func<DiscordGuildEvent, CancellationToken, Task>? OnGuild { get; set; }

    /// <summary>Completes with the bot's user once every shard of this process has had its READY.</summary>
    public Task<DiscordUser> WaitUntilReadyAsync(CancellationToken ct) => _ready.Task.WaitAsync(ct);

    public Task RunAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, CancellationToken ct) =>
        RunCoreAsync(onMessage, null, ct);

    /// <summary>As the message-only overload, every shard also handing its INTERACTION_CREATEs to <paramref name="onInteraction"/>.</summary>
    public Task RunAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, Func<DiscordInteraction, CancellationToken, Task> onInteraction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onInteraction);
        return RunCoreAsync(onMessage, onInteraction, ct);
    }

    private async Task RunCoreAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, Func<DiscordInteraction, CancellationToken, Task>? onInteraction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new InvalidOperationException("RunAsync is already running on this gateway.");
        try
        {
            await RunShardsAsync(onMessage, onInteraction, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown before the shards started (while asking for the shard count).
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task RunShardsAsync(Func<DiscordIncomingMessage, CancellationToken, Task> onMessage, Func<DiscordInteraction, CancellationToken, Task>? onInteraction, CancellationToken ct)
    {
        var count = _options.ShardCount == DiscordOptions.AutoShardCount ? await RecommendedShardCountAsync(ct) : _options.ShardCount;
        IReadOnlyList<int> ids;
        try
        {
            ids = ShardList.Resolve(_options.Shards, count);
        }
        catch (ArgumentException ex)
        {
            // Only reachable with DISCORD_SHARD_COUNT=auto (a fixed count is validated at start): Discord would close 4010.
            var reason = $"not connecting: {ex.Message} (DISCORD_SHARD_COUNT=auto). Set DISCORD_SHARDS within the count, or a fixed DISCORD_SHARD_COUNT";
            Log.BadShardList(_logger, reason);
            throw new DiscordGatewayFatalException(4010, reason);
        }

        var gate = new IdentifyGate(_time, ids);
        var shards = ids.Select(id => (id, new DiscordGatewayClient(Options.Create(_options.ForShard(id, count)), _rest, _time,
            new ShardLogger(_shardLogger, $"[shard {id}/{count}] "), gate, _random)
        { OnGuild = OnGuild })).ToArray();
        _identifyGate = gate;
        _shards = shards;
        Health.Started([.. shards.Select(s => (s.id, s.Item2.Health))], count);
        Log.Starting(_logger, ids.Count, ShardList.Describe(ids), count);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ready = ReportReadyAsync(stop.Token);
        var runs = shards.Select(s => RunShardAsync(s.id, count, s.Item2, onMessage, onInteraction, stop)).ToArray();
        try
        {
            await Task.WhenAll(runs);
        }
        finally
        {
            await stop.CancelAsync();
            await ready;
        }
    }

    private async Task RunShardAsync(int id, int count, DiscordGatewayClient client, Func<DiscordIncomingMessage, CancellationToken, Task> onMessage,
        Func<DiscordInteraction, CancellationToken, Task>? onInteraction, CancellationTokenSource stop)
    {
        try
        {
            // Returns once stop is cancelled, after the shard's queued messages went to the handler.
            await (onInteraction is null ? client.RunAsync(onMessage, stop.Token) : client.RunAsync(onMessage, onInteraction, stop.Token));
        }
        catch (DiscordGatewayFatalException ex)
        {
            // The other shards close and drain; the whole process stops as it does for one shard.
            await stop.CancelAsync();
            throw new DiscordGatewayFatalException(ex.CloseCode, $"{ex.Reason} (shard {id} of {count})");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
            throw;
        }
    }

    private async Task ReportReadyAsync(CancellationToken ct)
    {
        try
        {
            DiscordUser? user = null;
            foreach (var (_, client) in _shards)
                user = await client.WaitUntilReadyAsync(ct);
            Log.AllReady(_logger, _shards.Count);
            _ready.TrySetResult(user!);
        }
        catch (OperationCanceledException)
        {
            // Stopped before every shard was ready.
        }
    }

    /// <summary><c>shards</c> from <c>GET /gateway/bot</c>, retried with the reconnect backoff while Discord cannot be reached.</summary>
    private async Task<int> RecommendedShardCountAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var info = await _rest.GetGatewayBotAsync(ct);
                var count = Math.Max(1, info.Shards);
                Log.AutoCount(_logger, count, info.SessionStartLimit.MaxConcurrency);
                return count;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or IOException or TimeoutException
                                           or OperationCanceledException or DiscordRestException or JsonException)
            {
                var exponential = _options.ReconnectInitialDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
                var delay = exponential < _options.ReconnectMaxDelay ? exponential : _options.ReconnectMaxDelay;
                Log.AutoCountFailed(_logger, ex.GetType().Name, ex.Message, delay);
                await Task.Delay(delay, _time, ct);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Running {Running} Discord shard(s): {Shards} of {Count}")]
        public static partial void Starting(ILogger logger, int running, string shards, int count);

        [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "DISCORD_SHARD_COUNT=auto: Discord recommends {Count} shard(s) (max_concurrency {MaxConcurrency})")]
        public static partial void AutoCount(ILogger logger, int count, int maxConcurrency);

        [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Could not ask Discord for the shard count ({Type}: {Error}); retrying in {Delay}")]
        public static partial void AutoCountFailed(ILogger logger, string type, string error, TimeSpan delay);

        [LoggerMessage(EventId = 1023, Level = LogLevel.Information, Message = "All {Running} Discord shard(s) of this process are READY")]
        public static partial void AllReady(ILogger logger, int running);

        [LoggerMessage(EventId = 1024, Level = LogLevel.Critical, Message = "Discord sharding is misconfigured: {Reason}")]
        public static partial void BadShardList(ILogger logger, string reason);
    }
}
