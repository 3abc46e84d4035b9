using System.Collections.Concurrent;
using EventBot.Bot.Interactions;
using EventBot.Discord;
using EventBot.Discord.Interactions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventBot.Bot.Adapters.Http;

/// <summary>
/// An interaction answered with a deferral: the parsed <see cref="Interaction"/>, the signed <see cref="Body"/> it came
/// in (what a queue between processes carries) and, in the process that started it, the <see cref="Running"/> work.
/// </summary>
public sealed record DeferredInteraction(DiscordInteraction Interaction, ReadOnlyMemory<byte> Body, Task<InteractionMessage>? Running)
{
    /// <summary>Keeps the token (in <see cref="Interaction"/> and <see cref="Body"/>) out of anything that prints the record.</summary>
    public override string ToString() => $"Deferred {Interaction}";
}

/// <summary>
/// Where a deferred interaction goes so that something finishes it and edits <c>@original</c>. In one long-lived
/// process (<c>serve</c>) that is this process (<see cref="InProcessInteractionQueue"/>); on Lambda, which freezes once
/// it answers, a queue that a worker function reads. Returns once the interaction is safely handed over.
/// </summary>
public interface IInteractionQueue
{
    Task EnqueueAsync(DeferredInteraction deferred, CancellationToken ct);
}

/// <summary>
/// Finishes a deferred interaction: the work still running in this process when there is some, else the handler runs it
/// again (<see cref="IInteractionHandler.CompleteAsync"/>: the interaction id makes a second run append nothing and
/// answer the first outcome), then <c>@original</c> is edited. Shared by <c>serve</c> and the Lambda worker.
/// </summary>
public sealed partial class InteractionWorker(IInteractionHandler handler, IDiscordInteractions discord, ILogger<InteractionWorker> logger)
{
    /// <returns>False when Discord no longer knows the interaction (its 15-minute token expired): nothing to retry.</returns>
    public async Task<bool> CompleteAsync(DeferredInteraction deferred, CancellationToken ct)
    {
        var interaction = deferred.Interaction;
        InteractionMessage message;
        if (deferred.Running is { } running)
        {
            try
            {
                message = await running.WaitAsync(ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                Log.RunningFailed(logger, interaction.Id, ex.GetType().Name);
                message = await handler.CompleteAsync(interaction, ct);
            }
        }
        else
        {
            message = await handler.CompleteAsync(interaction, ct);
        }

        try
        {
            await discord.EditOriginalAsync(interaction.ApplicationId, interaction.Token, message, ct);
            Log.Edited(logger, interaction.Id);
            return true;
        }
        catch (DiscordInteractionExpiredException)
        {
            Log.Expired(logger, interaction.Id);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Interaction {Id}: @original edited with the outcome")]
        public static partial void Edited(ILogger logger, string id);

        [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "Interaction {Id}: Discord no longer knows it (token expired); the outcome stays stored, not shown")]
        public static partial void Expired(ILogger logger, string id);

        [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "Interaction {Id}: the deferred work failed ({Error}); running it again")]
        public static partial void RunningFailed(ILogger logger, string id, string error);
    }
}

/// <summary>
/// The queue of a long-lived process: the deferred work keeps running here and the worker edits <c>@original</c> when
/// it ends. Stopping waits (up to the host's shutdown timeout) for what is still running.
/// </summary>
public sealed partial class InProcessInteractionQueue(IServiceProvider services, ILogger<InProcessInteractionQueue> logger) : IInteractionQueue, IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Completions still in flight (tests wait on it).</summary>
    public Task IdleAsync() => Task.WhenAll(_running.Keys);

    public Task EnqueueAsync(DeferredInteraction deferred, CancellationToken ct)
    {
        var task = Task.Run(() => RunAsync(deferred), CancellationToken.None);
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private async Task RunAsync(DeferredInteraction deferred)
    {
        try
        {
            // Resolved here, not at start: the worker's Discord client and handler are only needed once something defers.
            await services.GetRequiredService<InteractionWorker>().CompleteAsync(deferred, _stopping.Token);
        }
        catch (Exception ex)
        {
            Log.Failed(logger, deferred.Interaction.Id, ex);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The listener may still hand over work while this waits: wait until nothing is left.
            while (!_running.IsEmpty) await IdleAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync();
        }
    }

    public void Dispose() => _stopping.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 4121, Level = LogLevel.Error, Message = "Interaction {Id}: the deferred answer could not be delivered")]
        public static partial void Failed(ILogger logger, string id, Exception exception);
    }
}
