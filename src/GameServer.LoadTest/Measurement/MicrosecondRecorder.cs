using HdrHistogram;

namespace GameServer.LoadTest.Measurement;

/// <summary>
/// Durations in microseconds recorded from any thread (HdrHistogram's <see cref="Recorder"/> is wait-free for writers),
/// read out once per second as an interval histogram, and summed over the measurement window.
/// </summary>
internal sealed class MicrosecondRecorder
{
    /// <summary>A minute; anything longer is recorded as a minute (and is a failed run anyway).</summary>
    public const long HighestMicroseconds = 60_000_000;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1)
        .WithValuesUpTo(HighestMicroseconds)
        .WithPrecisionOf(3)
        .WithThreadSafeWrites()
        .WithThreadSafeReads()
        .Create();

    private HistogramBase? _recycled;

    /// <summary>All intervals added with <see cref="AddToWindow"/>.</summary>
    public HistogramBase Window { get; } = NewHistogram();

    public static HistogramBase NewHistogram() => HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1)
        .WithValuesUpTo(HighestMicroseconds)
        .WithPrecisionOf(3)
        .Create();

    public void RecordTicks(long stopwatchTicks) => RecordMicroseconds(Clock.Microseconds(stopwatchTicks));

    public void RecordMicroseconds(long microseconds) =>
        _recorder.RecordValue(Math.Clamp(microseconds, 0, HighestMicroseconds));

    /// <summary>What was recorded since the last call. Valid until the next call (its storage is reused).</summary>
    public HistogramBase TakeInterval()
    {
        var interval = _recycled is null ? _recorder.GetIntervalHistogram() : _recorder.GetIntervalHistogram(_recycled);
        _recycled = interval;
        return interval;
    }

    public void AddToWindow(HistogramBase interval) => Window.Add(interval);
}
