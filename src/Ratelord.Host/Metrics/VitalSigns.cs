namespace Ratelord.Host.Metrics;

/// <summary>
/// The daemon's pulse over the last minute: decisions and denials, events appended, commit batches, and the
/// latency of recent decisions. It feeds <c>GET /v1/vitals</c>, the dashboard's health page and <c>ratelord top</c>.
/// </summary>
/// <remarks>
/// Prometheus gets the same facts as counters and histograms (<see cref="DaemonMetrics"/>); these sliding
/// windows exist because a person looking at a screen wants "per minute now", not a counter to differentiate.
/// </remarks>
public sealed class VitalSigns
{
    /// <summary>The window rates are measured over.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>How many recent decision latencies the quantiles are taken from.</summary>
    public const int LatencySamples = 512;

    /// <summary>How many recent commit batches are kept for their sizes.</summary>
    public const int BatchSamples = 120;

    // One lock for every window: each update is a few field writes, and readers copy out under it.
    private readonly Lock _lock = new();
    private readonly Queue<(DateTimeOffset At, bool Denied)> _decisions = new();
    private readonly Queue<(DateTimeOffset At, int Count)> _events = new();
    private readonly Queue<(DateTimeOffset At, int Commands, int Events)> _batches = new();
    private readonly double[] _latencies = new double[LatencySamples];
    private readonly TimeProvider _time;
    private int _latencyCount;
    private int _latencyNext;

    public VitalSigns(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Counts one decision made at <paramref name="at"/>.</summary>
    public void RecordDecision(DateTimeOffset at, bool denied)
    {
        lock (_lock)
        {
            _decisions.Enqueue((at, denied));
            Trim(_decisions, at, d => d.At);
        }
    }

    /// <summary>Counts one committed batch: the commands it held and the events it appended.</summary>
    public void RecordBatch(DateTimeOffset at, int commands, int events)
    {
        lock (_lock)
        {
            _events.Enqueue((at, events));
            Trim(_events, at, e => e.At);
            _batches.Enqueue((at, commands, events));
            while (_batches.Count > BatchSamples)
            {
                _batches.Dequeue();
            }
        }
    }

    /// <summary>Keeps the time one decision took, from the intent's arrival to its committed answer.</summary>
    public void RecordLatency(TimeSpan elapsed)
    {
        lock (_lock)
        {
            _latencies[_latencyNext] = elapsed.TotalSeconds;
            _latencyNext = (_latencyNext + 1) % LatencySamples;
            _latencyCount = Math.Min(_latencyCount + 1, LatencySamples);
        }
    }

    /// <summary>The vital signs as they stand now.</summary>
    public VitalSnapshot Snapshot()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Trim(_decisions, now, d => d.At);
            Trim(_events, now, e => e.At);
            var decisions = _decisions.Count;
            var denied = _decisions.Count(d => d.Denied);
            var events = _events.Sum(e => e.Count);
            var latencies = _latencies.Take(_latencyCount).Order().ToArray();
            var batches = _batches.ToArray();

            return new VitalSnapshot(
                now,
                decisions,
                decisions == 0 ? 0 : (double)denied / decisions,
                events / Window.TotalSeconds,
                Quantile(latencies, 0.5),
                Quantile(latencies, 0.99),
                latencies.Length,
                [.. batches.Select(b => new BatchSample(b.At, b.Commands, b.Events))]);
        }
    }

    private static void Trim<T>(Queue<T> queue, DateTimeOffset now, Func<T, DateTimeOffset> at)
    {
        while (queue.TryPeek(out var oldest) && now - at(oldest) > Window)
        {
            queue.Dequeue();
        }
    }

    // Nearest rank on the sorted samples: with a few hundred samples interpolation adds nothing an operator sees.
    private static double? Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>The vital signs at one instant.</summary>
/// <param name="AsOf">When they were taken.</param>
/// <param name="DecisionsPerMinute">Decisions made in the last minute.</param>
/// <param name="DenialRate">The share of those decisions that were denials, in [0, 1].</param>
/// <param name="EventsPerSecond">Events appended per second over the last minute.</param>
/// <param name="LatencyP50Seconds">Median decision latency of the recent decisions; null before the first.</param>
/// <param name="LatencyP99Seconds">99th percentile decision latency of the recent decisions.</param>
/// <param name="LatencySamples">How many recent decisions the quantiles are taken from.</param>
/// <param name="Batches">The recent commit batches, oldest first.</param>
public sealed record VitalSnapshot(
    DateTimeOffset AsOf,
    int DecisionsPerMinute,
    double DenialRate,
    double EventsPerSecond,
    double? LatencyP50Seconds,
    double? LatencyP99Seconds,
    int LatencySamples,
    IReadOnlyList<BatchSample> Batches);

/// <summary>One committed batch: when, how many commands it decided and how many events it appended.</summary>
public sealed record BatchSample(DateTimeOffset At, int Commands, int Events);
