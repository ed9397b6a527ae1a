using Prometheus;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Forecasting;

namespace Ratelord.Host.Metrics;

/// <summary>
/// The daemon's Prometheus metrics, served at <c>/metrics</c>. Pool posture and forecasts are read from the
/// projections at each scrape; decisions, appended events, commit batches and provider poll errors are counted as
/// the writer commits them; decision latency is timed around each decision.
/// </summary>
/// <remarks>
/// The metrics live in a registry of their own rather than prometheus-net's static default, so that two daemons
/// in one process (as in the tests) never add to each other's counters. Counters start at zero with the process,
/// as Prometheus expects; the log, not the counters, is the record.
/// </remarks>
public sealed class DaemonMetrics : IDisposable
{
    private static readonly string[] PoolLabels = ["provider", "pool", "owner"];

    private readonly CommandWriter _writer;
    private readonly TimeProvider _time;
    private readonly Gauge _poolLimit;
    private readonly Gauge _poolRemaining;
    private readonly Gauge _poolReserved;
    private readonly Gauge _poolTteP50;
    private readonly Gauge _poolTteP99;
    private readonly Gauge _poolPExhaustion;
    private readonly Gauge _poolStatus;
    private readonly Counter _decisions;
    private readonly Histogram _decisionLatency;
    private readonly Counter _eventsAppended;
    private readonly Histogram _batchCommands;
    private readonly Histogram _batchEvents;
    private readonly Counter _providerPollErrors;
    private readonly Gauge _logPosition;
    private readonly HashSet<string[]> _publishedPools = new(LabelsComparer.Instance);
    private long _commandsSeen;

    public DaemonMetrics(CommandWriter writer, TimeProvider time, VitalSigns vitals)
    {
        _writer = writer;
        _time = time;
        Vitals = vitals;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);

        _poolLimit = factory.CreateGauge(
            "ratelord_pool_limit", "The pool's capacity per window, as its provider last reported it.", PoolLabels);
        _poolRemaining = factory.CreateGauge(
            "ratelord_pool_remaining", "What the pool has left now, by the provider's last reading.", PoolLabels);
        _poolReserved = factory.CreateGauge(
            "ratelord_pool_reserved", "What approved, unsettled intents hold in the pool.", PoolLabels);
        _poolTteP50 = factory.CreateGauge(
            "ratelord_pool_tte_p50_seconds",
            "Median time to exhaustion of the pool; +Inf when it does not run dry at the forecast burn rate.",
            PoolLabels);
        _poolTteP99 = factory.CreateGauge(
            "ratelord_pool_tte_p99_seconds",
            "Pessimistic (P99) time to exhaustion of the pool; +Inf when it does not run dry.",
            PoolLabels);
        _poolPExhaustion = factory.CreateGauge(
            "ratelord_pool_p_exhaustion",
            "Probability that the pool runs dry before it resets, in [0, 1].",
            PoolLabels);
        _poolStatus = factory.CreateGauge(
            "ratelord_pool_status",
            "The pool's risk band: 0 ok, 1 warn, 2 critical, -1 unknown.",
            PoolLabels);
        _decisions = factory.CreateCounter(
            "ratelord_decisions_total",
            "Decisions made, by verdict and machine-readable reason (none for a plain approval).",
            ["verdict", "reason"]);
        _decisionLatency = factory.CreateHistogram(
            "ratelord_decision_latency_seconds",
            "Time from an intent's arrival to its committed decision.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });
        _eventsAppended = factory.CreateCounter(
            "ratelord_events_appended_total", "Events appended to the log, by type.", ["type"]);
        _batchCommands = factory.CreateHistogram(
            "ratelord_commit_batch_size",
            "Commands decided and committed together in one transaction (group commit).",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, CommandWriter.MaxBatch] });
        _batchEvents = factory.CreateHistogram(
            "ratelord_commit_batch_events",
            "Events appended by one committed batch.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 11) });
        _providerPollErrors = factory.CreateCounter(
            "ratelord_provider_poll_errors_total",
            "Failed polls of a provider instance, by provider and kind (timeout, unreachable, auth, 429, 5xx, ...).",
            ["provider_id", "kind"]);
        _logPosition = factory.CreateGauge("ratelord_log_position", "Position of the last committed event.");

        // Read the counters of batches already committed at start-up, so the first batch after it counts alone.
        _commandsSeen = writer.BatchStatistics.Commands;
        writer.Feed.Committed += OnCommitted;
        Registry.AddBeforeCollectCallback(CollectPoolsAsync);
    }

    /// <summary>The registry <c>/metrics</c> serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The same facts as sliding windows, for people.</summary>
    public VitalSigns Vitals { get; }

    /// <summary>Times one decision: from the intent's arrival to its committed answer.</summary>
    public void ObserveDecisionLatency(TimeSpan elapsed)
    {
        _decisionLatency.Observe(elapsed.TotalSeconds);
        Vitals.RecordLatency(elapsed);
    }

    public void Dispose() => _writer.Feed.Committed -= OnCommitted;

    // Runs on the writer's thread after each commit, while it holds the projections: counting only, nothing slow.
    private void OnCommitted(IReadOnlyList<EventEnvelope> batch)
    {
        var commandsNow = _writer.BatchStatistics.Commands;
        var commands = (int)Math.Max(1, commandsNow - _commandsSeen);
        _commandsSeen = commandsNow;
        _batchCommands.Observe(commands);
        _batchEvents.Observe(batch.Count);
        _logPosition.Set(batch[^1].Position);
        Vitals.RecordBatch(batch[^1].IngestTime, commands, batch.Count);

        foreach (var envelope in batch)
        {
            _eventsAppended.WithLabels(envelope.Type).Inc();
            switch (envelope.Payload)
            {
                case IntentDecided decided:
                    _decisions.WithLabels(WireNames.Of(decided.Verdict), decided.Reason ?? "none").Inc();
                    Vitals.RecordDecision(envelope.IngestTime, decided.Verdict == Verdict.DenyWithReason);
                    break;
                case ProviderError error:
                    _providerPollErrors.WithLabels(error.ProviderId, error.Kind).Inc();
                    break;
            }
        }
    }

    private async Task CollectPoolsAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var model = _writer.Options.ForecastModel;
        var pools = await _writer.ReadAsync(
            state => state.Pools.All
                .Select(p => (
                    p.Key,
                    View: p.ViewAt(now),
                    p.Reserved,
                    Forecast: PoolForecaster.Forecast(p, now, model)))
                .ToList(),
            cancellationToken);

        var seen = new HashSet<string[]>(LabelsComparer.Instance);
        foreach (var (key, view, reserved, forecast) in pools)
        {
            string[] labels = [key.Provider, key.Pool, key.Owner];
            seen.Add(labels);
            Set(_poolLimit, labels, view.Limit);
            Set(_poolRemaining, labels, view.Remaining);
            _poolReserved.WithLabels(labels).Set(reserved);
            var dry = view.Remaining is not null;
            Set(_poolTteP50, labels, dry ? forecast.Tte.P50Seconds ?? double.PositiveInfinity : null);
            Set(_poolTteP99, labels, dry ? forecast.Tte.P99Seconds ?? double.PositiveInfinity : null);
            Set(_poolPExhaustion, labels, forecast.PExhaustion);
            _poolStatus.WithLabels(labels).Set(forecast.Status switch
            {
                PoolStatus.Ok => 0,
                PoolStatus.Warn => 1,
                PoolStatus.Critical => 2,
                _ => -1,
            });
        }

        foreach (var gone in _publishedPools.Where(p => !seen.Contains(p)).ToList())
        {
            foreach (var gauge in new[]
            {
                _poolLimit,
                _poolRemaining,
                _poolReserved,
                _poolTteP50,
                _poolTteP99,
                _poolPExhaustion,
                _poolStatus,
            })
            {
                gauge.RemoveLabelled(gone);
            }

            _publishedPools.Remove(gone);
        }

        _publishedPools.UnionWith(seen);
    }

    // A value nobody knows is left out rather than shown as zero, which would read as "empty".
    private static void Set(Gauge gauge, string[] labels, double? value)
    {
        if (value is { } v)
        {
            gauge.WithLabels(labels).Set(v);
        }
        else
        {
            gauge.RemoveLabelled(labels);
        }
    }

    private sealed class LabelsComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelsComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) =>
            x is not null && y is not null && x.SequenceEqual(y, StringComparer.Ordinal);

        public int GetHashCode(string[] obj) => string.Join('\u001f', obj).GetHashCode(StringComparison.Ordinal);
    }
}
