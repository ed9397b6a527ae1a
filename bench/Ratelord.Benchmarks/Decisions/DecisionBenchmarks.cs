using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;

namespace Ratelord.Benchmarks.Decisions;

/// <summary>
/// What one in-process decision costs next to the cheapest limiter .NET ships: a token bucket that
/// only counts. The decision reads the pool, plans the start, forecasts and records two events.
/// </summary>
/// <remarks>
/// <para>
/// Every approval reserves capacity, and the capacity rule walks a pool's reservations, so an
/// engine that only decided would grow slower with each invocation. Two things keep every
/// invocation meeting the same state: each decision benchmark cancels its own approval right
/// after it (a <see cref="Core.Commands.ReportOutcome"/> that charges nothing and so triggers no
/// forecast), and each iteration starts from a fresh engine, since the intent history keeps every
/// intent. The decision timings therefore hold two commands: the decision and its release.
/// </para>
/// <para>
/// A fixed number of invocations per iteration is what lets <c>[IterationSetup]</c> hand each
/// iteration a fresh engine. It applies to the baseline too, which therefore acquires
/// <see cref="AcquiresPerInvocation"/> times per invocation so its iterations are not too short to
/// time; BenchmarkDotNet divides its figures by that count.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(InvocationsPerIteration)]
public class DecisionBenchmarks
{
    private const int InvocationsPerIteration = 1_024;

    private const int AcquiresPerInvocation = 64;

    private TokenBucketRateLimiter _bucket = null!;
    private RatelordEngine _engine = null!;

    [GlobalSetup]
    public void CreateBucket()
    {
        // As many tokens as an int holds, refilled every second: far more than a run can take.
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = int.MaxValue,
            TokensPerPeriod = int.MaxValue,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            AutoReplenishment = true,
            QueueLimit = 0,
        });
    }

    [GlobalCleanup]
    public void DisposeBucket() => _bucket.Dispose();

    /// <summary>A pool with far more left than a run can reserve: every intent is approved now.</summary>
    [IterationSetup(Target = nameof(DecideApproved))]
    public void ObserveOpenPool()
    {
        _engine = Scenario.Engine(limit: 1_000_000_000, remaining: 999_000_000, TimeSpan.FromHours(1));
        Expect(Verdict.Approve, waits: false);
    }

    /// <summary>An exhausted pool that resets in 30 s: every intent is approved to start after the wait.</summary>
    [IterationSetup(Target = nameof(DecideWait))]
    public void ObserveExhaustedPool()
    {
        _engine = Scenario.Engine(limit: 5_000, remaining: 0, TimeSpan.FromSeconds(30));
        Expect(Verdict.ApproveWithModifications, waits: true);
    }

    [Benchmark(
        Baseline = true,
        OperationsPerInvoke = AcquiresPerInvocation,
        Description = "TokenBucket.AttemptAcquire(1)")]
    public int TokenBucketAcquire()
    {
        var acquired = 0;
        for (var i = 0; i < AcquiresPerInvocation; i++)
        {
            using var lease = _bucket.AttemptAcquire(1);
            acquired += lease.IsAcquired ? 1 : 0;
        }

        return acquired;
    }

    [Benchmark(Description = "Decide (approve) + release")]
    public Verdict DecideApproved() => Scenario.DecideAndRelease(_engine).Verdict;

    [Benchmark(Description = "Decide (wait) + release")]
    public Verdict DecideWait() => Scenario.DecideAndRelease(_engine).Verdict;

    /// <summary>Fails the run rather than measure a scenario that decides otherwise than its name says.</summary>
    private void Expect(Verdict verdict, bool waits)
    {
        var decision = Scenario.DecideAndRelease(_engine);
        if (decision.Verdict != verdict || decision.WaitSeconds is > 0 != waits)
        {
            throw new InvalidOperationException(
                $"The scenario decided {decision.Verdict} (wait {decision.WaitSeconds} s, {decision.Reason}); " +
                $"the benchmark measures {verdict} with{(waits ? "" : "out")} a wait.");
        }
    }
}
