namespace EventBot.Projections.Core;

/// <summary>
/// In-process "something was projected" pulse. Waiters re-check their condition when it fires; out-of-process
/// projectors (a separate poller, a Lambda) never fire it, so waiters also poll on a short period.
/// </summary>
public sealed class ProjectionSignals
{
    private TaskCompletionSource _pulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task NextAsync() => Volatile.Read(ref _pulse).Task;

    public void Notify() => Interlocked.Exchange(ref _pulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
