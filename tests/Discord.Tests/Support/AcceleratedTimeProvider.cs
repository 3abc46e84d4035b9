using System.Diagnostics;

namespace EventBot.Discord.Tests.Support;

/// <summary>
/// Real time, running <c>speed</c> times faster. Lets tests against a real socket use the docs' own constants
/// (1-5 s invalid-session wait, 5 s identify spacing, 60 s send window) and still finish in milliseconds.
/// </summary>
public sealed class AcceleratedTimeProvider(double speed) : TimeProvider
{
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly DateTimeOffset _startUtc = DateTimeOffset.UtcNow;

    public double Speed { get; } = speed;

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp() => _startTimestamp + (long)((Stopwatch.GetTimestamp() - _startTimestamp) * Speed);

    public override DateTimeOffset GetUtcNow() => _startUtc + (Stopwatch.GetElapsedTime(_startTimestamp) * Speed);

    /// <summary>
    /// Every timer's first due time as asked for (unscaled), in order: what a schedule meant to wait, which a loaded
    /// machine cannot blur the way it blurs arrival times.
    /// </summary>
    public IReadOnlyList<TimeSpan> RequestedDueTimes
    {
        get
        {
            lock (_requested)
                return [.. _requested];
        }
    }

    private readonly List<TimeSpan> _requested = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_requested)
            _requested.Add(dueTime);
        return new ScaledTimer(this, callback, state, dueTime, period);
    }

    private TimeSpan Scale(TimeSpan value) =>
        value == Timeout.InfiniteTimeSpan || value <= TimeSpan.Zero ? value : TimeSpan.FromTicks(Math.Max(1, (long)(value.Ticks / Speed)));

    /// <summary>
    /// A system timer on the scaled durations. System timers run on a coarser clock than <see cref="Stopwatch"/>, so
    /// one may wake a hair before its due time by this clock; CI saw scaled waits end 2 ms and 140 ms short, and
    /// "waited at least" assertions failed. A one-shot timer (what <see cref="Task.Delay(TimeSpan, TimeProvider)"/>
    /// uses) that wakes early sleeps the rest, so a scaled delay never ends before its due time.
    /// </summary>
    private sealed class ScaledTimer : ITimer
    {
        private readonly AcceleratedTimeProvider _owner;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly ITimer _inner;
        private long _dueAt = long.MinValue; // a one-shot's due time on this clock; MinValue: not checked

        public ScaledTimer(AcceleratedTimeProvider owner, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
            _inner = System.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Change(dueTime, period);
        }

        private void Fire()
        {
            var dueAt = Volatile.Read(ref _dueAt);
            var early = dueAt == long.MinValue ? 0 : dueAt - _owner.GetTimestamp();
            if (early > 0)
            {
                _inner.Change(_owner.Scale(TimeSpan.FromSeconds(early / (double)_owner.TimestampFrequency)), Timeout.InfiniteTimeSpan);
                return;
            }
            _callback(_state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var oneShot = period == Timeout.InfiniteTimeSpan && dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan;
            Volatile.Write(ref _dueAt, oneShot ? _owner.GetTimestamp() + (long)Math.Ceiling(dueTime.TotalSeconds * _owner.TimestampFrequency) : long.MinValue);
            return _inner.Change(_owner.Scale(dueTime), _owner.Scale(period));
        }

        public void Dispose() => _inner.Dispose();

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
