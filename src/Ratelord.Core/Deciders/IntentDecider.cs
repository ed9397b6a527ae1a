using System.Globalization;
using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Policies;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Deciders;

/// <summary>Decides intents, their outcomes and the expiry of approvals that were never settled.</summary>
public static class IntentDecider
{
    /// <summary>Rounds of re-planning when pools disagree on the earliest start; each round only moves later.</summary>
    private const int MaxPlanningRounds = 8;

    public static IntentDecisionResult Decide(
        SubmitIntent command,
        RatelordState state,
        RatelordOptions options,
        Emitter emit)
    {
        var now = emit.Now;
        var policy = options.Policy;
        var intentId = emit.NewId();
        var dimensions = new EventDimensions(command.AgentId, command.IdentityId, command.WorkloadId, command.ScopeId);
        var submitted = emit.Emit(
            new IntentSubmitted(
                intentId,
                command.Urgency,
                command.ExpectedCost,
                command.DurationHintSeconds,
                command.MaxWaitSeconds,
                command.ClientContext,
                command.Labels),
            dimensions);
        var decision = new DecisionBuilder(intentId, command, options, emit, dimensions, submitted.EventId);

        var identity = state.Identities.Find(command.IdentityId);
        if (identity is null)
        {
            var reason = state.Identities.WasDeleted(command.IdentityId)
                ? ReasonCodes.IdentityDeleted
                : ReasonCodes.UnknownIdentity;

            return decision.Deny(reason, null, $"identity '{command.IdentityId}' is not registered");
        }

        var demands = DemandsOf(command, identity, options.Workloads);
        var forecasts = demands.ToDictionary(
            d => d.Pool,
            d => state.Pools.Find(d.Pool) is { } pool ? PoolForecaster.Forecast(pool, now, options.ForecastModel) : null!);
        var verdict = PolicyEvaluation.Evaluate(policy, command, demands, forecasts, state, now, command.Debug);
        decision.Verdict = verdict;
        decision.Checks = [.. demands.Select(d => Check(d, state, now, forecasts.GetValueOrDefault(d.Pool)))];
        decision.Tightest = Tightest(decision.Checks);

        if (verdict.Strictest == RuleAction.Deny)
        {
            var rule = verdict.Deciding!;
            var retry = rule.RetryAfterSeconds ?? RetryAtReset(rule.Pool ?? decision.Tightest?.Pool, state, now);

            return decision.Deny(rule.Reason ?? ReasonCodes.PolicyDenied, retry, null);
        }

        var budgets = Budgets.For(policy, command.ScopeId, demands, state, now);
        decision.Budgets = budgets;
        if (budgets.FirstOrDefault(b => b.WouldExceed) is { } exhausted)
        {
            return decision.Deny(ReasonCodes.BudgetExhausted, (exhausted.WindowEnd - now).TotalSeconds, null);
        }

        var reserve = command.Urgency == Urgency.High ? 0 : policy.Defaults.HighUrgencyReservePercent / 100;
        var (notBefore, blocker) = Earliest(command, demands, forecasts, verdict, budgets, state, options, intentId, reserve, now);
        var learned = state.LearnedLimits.EarliestStart(command.IdentityId, command.WorkloadId, notBefore);
        if (learned is (var paced, not null))
        {
            // A limit learned from unexplained throttling holds like a pool would: the intent waits its turn.
            (notBefore, blocker) = (paced, ReasonCodes.LearnedLimit);
        }

        var plan = Plan(demands, state, notBefore, reserve, Release(options));
        if (plan.Start is { } planned && notBefore > now && planned == notBefore)
        {
            plan = plan with { Blocker = blocker };
        }

        var wantsSwitch = verdict.Strictest == RuleAction.Switch && (plan.Start is null || plan.Start > now);
        if (plan.Start is null || wantsSwitch)
        {
            if (SwitchTarget(command, identity, state, options, now, reserve) is { } target)
            {
                return decision.Approve(now, now, target.Demands, ReasonCodes.IdentitySwitched, target.Identity, []);
            }
        }

        if (plan.Start is not { } start)
        {
            var retryAfter = plan.RetryAt is { } retryAt ? Math.Max(0, (retryAt - now).TotalSeconds) : (double?)null;

            return decision.Deny(plan.Blocker ?? ReasonCodes.PoolExhausted, retryAfter, null);
        }

        var wait = (start - now).TotalSeconds;
        if (command.MaxWaitSeconds is { } maxWait && wait > maxWait)
        {
            return decision.Deny(ReasonCodes.WaitTooLong, wait, null);
        }

        return decision.Approve(now, start, demands, plan.Blocker, null, Budgets.Holds(budgets));
    }

    /// <summary>
    /// The earliest start that policy allows before capacity is considered: a deferral past the
    /// reset, a paced slot when the pool is at risk (or its forecast is stale or unknown), and a
    /// budget's pacing.
    /// </summary>
    private static (DateTimeOffset NotBefore, string? Blocker) Earliest(
        SubmitIntent command,
        IReadOnlyList<PoolDemand> demands,
        Dictionary<PoolKey, PoolForecast> forecasts,
        PolicyVerdict verdict,
        IReadOnlyList<BudgetStatus> budgets,
        RatelordState state,
        RatelordOptions options,
        Guid intentId,
        double reserve,
        DateTimeOffset now)
    {
        var defaults = options.Policy.Defaults;
        var start = now;
        string? blocker = null;
        if (verdict.Strictest == RuleAction.Defer)
        {
            foreach (var demand in demands)
            {
                var deferred = Shaping.DeferredStart(state.Pools.Find(demand.Pool), start, intentId, defaults.DeferJitterSeconds);
                if (deferred is { } d && d > start)
                {
                    start = d;
                    blocker = ReasonCodes.DeferredByPolicy;
                }
            }
        }

        var atRisk = demands.Any(d => forecasts.GetValueOrDefault(d.Pool) is not { } f
            || f.Stale || f.Status == PoolStatus.Unknown || f.PExhaustion > defaults.ShapeAbovePExhaustion);
        var shape = verdict.Strictest == RuleAction.Shape
            || (atRisk && !verdict.ExplicitlyApproved && command.Urgency != Urgency.High);
        if (shape)
        {
            foreach (var demand in demands)
            {
                var share = state.Burn.AgentShare(demand.Pool, command.AgentId, start);
                var agents = state.Burn.ActiveAgents(demand.Pool, start);
                var weight = Math.Max(
                    Shaping.Weight(command.Urgency, share, agents, defaults),
                    verdict.Strictest == RuleAction.Shape ? 1 : 0);
                var paced = Shaping.PacedStart(
                    state.Pools.Find(demand.Pool), demand, start, reserve, Release(options), weight);
                if (paced > start)
                {
                    start = paced;
                    blocker = weight > 1 && share > 0 ? ReasonCodes.FairShareExceeded : ReasonCodes.ShapedForRisk;
                }
            }
        }

        foreach (var budget in budgets)
        {
            var wait = budget.PacingWait(start);
            if (wait > TimeSpan.Zero)
            {
                start += wait;
                blocker = ReasonCodes.BudgetPaced;
            }
        }

        return (start, blocker);
    }

    /// <summary>
    /// Another registered identity of the same provider that can serve the workload at once,
    /// the one whose pools are safest (lowest risk, then most left).
    /// </summary>
    private static (string Identity, List<PoolDemand> Demands)? SwitchTarget(
        SubmitIntent command,
        IdentityRecord current,
        RatelordState state,
        RatelordOptions options,
        DateTimeOffset now,
        double reserve)
    {
        (string Identity, List<PoolDemand> Demands, double Risk, double Headroom)? best = null;
        foreach (var candidate in state.Identities.All)
        {
            if (candidate.IdentityId == current.IdentityId || candidate.Provider != current.Provider)
            {
                continue;
            }

            var demands = DemandsOf(command with { IdentityId = candidate.IdentityId }, candidate, options.Workloads);
            if (demands.Any(d => state.Pools.Find(d.Pool) is not { IsObserved: true }))
            {
                continue;
            }

            if (Plan(demands, state, now, reserve, Release(options)).Start != now)
            {
                continue;
            }

            var risk = demands.Max(d => PoolForecaster.Forecast(state.Pools.Find(d.Pool)!, now, options.ForecastModel).PExhaustion ?? 1);
            var headroom = demands.Min(d => Headroom(state.Pools.Find(d.Pool)!, now));
            if (best is null || risk < best.Value.Risk || (risk == best.Value.Risk && headroom > best.Value.Headroom))
            {
                best = (candidate.IdentityId, demands, risk, headroom);
            }
        }

        return best is { } b ? (b.Identity, b.Demands) : null;
    }

    private static TimeSpan Release(RatelordOptions options) =>
        TimeSpan.FromSeconds(options.Policy.Defaults.ReserveReleaseSeconds);

    private static double Headroom(PoolState pool, DateTimeOffset now)
    {
        var view = pool.ViewAt(now);

        return view.Remaining is { } remaining && view.Limit is > 0 and var limit
            ? (remaining - pool.Reserved) / limit
            : 0;
    }

    private static double? RetryAtReset(PoolKey? pool, RatelordState state, DateTimeOffset now) =>
        pool is { } key && state.Pools.Find(key)?.ViewAt(now).ResetAt is { } reset
            ? Math.Max(0, (reset - now).TotalSeconds)
            : CapacityRule.UnknownResetRetry.TotalSeconds;

    public static OutcomeResult Decide(ReportOutcome command, RatelordState state, RatelordOptions options, Emitter emit)
    {
        var record = state.Intents.Find(command.IntentId)
            ?? throw new CommandRejectedException(
                "intent_not_found", $"No intent {command.IntentId} is in the log.", "intent_id", 404);
        if (record.Decision is not { } decision || decision.Verdict == Verdict.DenyWithReason)
        {
            throw new CommandRejectedException(
                "intent_denied", $"Intent {command.IntentId} was denied; it holds nothing to settle.", "intent_id");
        }

        if (record.Settlement is { Outcome: not SettlementOutcomes.Expired })
        {
            throw new CommandRejectedException(
                "intent_already_settled",
                $"Intent {command.IntentId} was already settled as '{record.Settlement.Outcome}'.",
                "intent_id");
        }

        EventEnvelope? observed = null;
        ProviderObserved? observation = null;
        Providers.ProviderReading? reading = null;
        if (command.Response is { } response)
        {
            // The call was made with the identity the decision named: a switched intent's response describes the
            // pools of the identity it switched to, which is also the one its reservation charges.
            var caller = decision.IdentitySwitch ?? record.Dimensions.IdentityId;
            (observation, reading) = PoolDecider.Read(command.Family, caller, response, state, command.IntentId);
            observed = emit.Emit(
                observation,
                record.Dimensions with { IdentityId = caller },
                reading.ResponseDate ?? emit.Now,
                provider: observation.Provider);
        }

        var free = ChargesNothing(command);
        var charges = free ? [] : ChargesOf(decision.Reservations, command.ActualCost, observation);
        var spent = free ? [] : Budgets.Charges(options.Policy, decision, command.ActualCost);
        emit.Emit(
            new IntentSettled(
                command.IntentId,
                command.Outcome,
                command.ActualCost,
                command.Response?.Status,
                charges,
                spent.Count > 0 ? spent : null),
            record.Dimensions,
            causationId: observed?.EventId);
        var updated = observation is null ? [] : PoolDecider.KeysOf(observation);

        return new OutcomeResult(command.IntentId, command.Outcome, reading, updated);
    }

    public static int Decide(ExpireApprovals command, RatelordState state, Emitter emit)
    {
        _ = command;
        var lapsed = state.Intents.LapsedAt(emit.Now);
        foreach (var record in lapsed)
        {
            emit.Emit(new IntentSettled(record.IntentId, SettlementOutcomes.Expired, null, null, []), record.Dimensions);
        }

        return lapsed.Count;
    }

    private static List<PoolDemand> DemandsOf(SubmitIntent command, IdentityRecord identity, WorkloadCatalog workloads)
    {
        var demands = new List<PoolDemand>();
        foreach (var pool in workloads.PoolsFor(command.WorkloadId, identity.Provider))
        {
            var key = new PoolKey(pool.Provider, pool.Pool, identity.OwnerOf(pool.Pool));
            var cost = pool.Cost ?? command.ExpectedCost ?? 1;
            demands.Add(new PoolDemand(key, cost, pool.Cost is null));
        }

        return demands;
    }

    private readonly record struct Planned(DateTimeOffset? Start, string? Blocker, DateTimeOffset? RetryAt);

    /// <summary>Finds the earliest instant at which every pool has room; the wait is the longest of them.</summary>
    private static Planned Plan(
        List<PoolDemand> demands,
        RatelordState state,
        DateTimeOffset notBefore,
        double reserve,
        TimeSpan release)
    {
        var start = notBefore;
        string? blocker = null;
        for (var round = 0; round < MaxPlanningRounds; round++)
        {
            var latest = start;
            foreach (var demand in demands)
            {
                var slot = CapacityRule.EarliestSlot(state.Pools.Find(demand.Pool), demand, start, reserve, release);
                if (slot.Start is not { } poolStart)
                {
                    return new Planned(null, slot.Blocker, slot.RetryAt);
                }

                if (poolStart > latest)
                {
                    latest = poolStart;
                    blocker = slot.Blocker;
                }
            }

            if (latest == start)
            {
                return new Planned(start, blocker, null);
            }

            start = latest;
        }

        return new Planned(null, ReasonCodes.WindowsFull, start);
    }

    private static PoolCheck Check(PoolDemand demand, RatelordState state, DateTimeOffset now, PoolForecast? forecast)
    {
        var pool = state.Pools.Find(demand.Pool);
        if (pool is null)
        {
            return new PoolCheck(demand.Pool, demand.Cost, null, null, 0, null, now, ReasonCodes.PoolUnobserved, PoolStatus.Unknown, null);
        }

        var view = pool.ViewAt(now);
        var slot = CapacityRule.EarliestSlot(pool, demand, now);

        return new PoolCheck(
            demand.Pool,
            demand.Cost,
            view.Limit,
            view.Remaining,
            pool.Reserved,
            view.ResetAt,
            slot.Start,
            slot.Blocker,
            forecast?.Status ?? PoolStatus.Unknown,
            forecast?.PExhaustion);
    }

    /// <summary>The pool with the least left relative to its limit; an unobserved pool is tightest of all.</summary>
    private static PoolCheck? Tightest(IReadOnlyList<PoolCheck> checks)
    {
        return checks.Count == 0 ? null : checks.OrderBy(Headroom).ThenBy(c => c.Pool).First();

        static double Headroom(PoolCheck check) =>
            check.Remaining is { } remaining && check.Limit is > 0 and var limit
                ? (remaining - check.Reserved) / limit
                : check.Remaining is { } r ? r - check.Reserved : double.MinValue;
    }

    private static string Summarize(PoolCheck? tightest, DateTimeOffset now)
    {
        if (tightest is null)
        {
            return "no pool to check";
        }

        var remaining = tightest.Remaining is { } r ? r.ToString("0.###", CultureInfo.InvariantCulture) : "unknown";
        var limit = tightest.Limit is { } l ? l.ToString("0.###", CultureInfo.InvariantCulture) : "unknown";
        var reset = tightest.ResetAt is { } at
            ? $"resets in {Math.Max(0, (at - now).TotalSeconds).ToString("0.#", CultureInfo.InvariantCulture)}s"
            : "reset unknown";
        var reserved = tightest.Reserved.ToString("0.###", CultureInfo.InvariantCulture);
        var risk = tightest.PExhaustion is { } p ? $", p_exhaustion {p.ToString("0.###", CultureInfo.InvariantCulture)}" : "";

        return $"{tightest.Pool}: {remaining} of {limit} left, {reserved} reserved, {reset}, status {WireNames.Of(tightest.Status)}{risk}";
    }

    /// <summary>
    /// A cancelled call, and a failed one its agent reports as costing nothing, never counted at the provider:
    /// charging them the reservation would leave the pool looking spent after an outage of 5xx answers.
    /// </summary>
    private static bool ChargesNothing(ReportOutcome command) =>
        command.Outcome == SettlementOutcomes.Cancelled
        || (command.Outcome == SettlementOutcomes.Failed && command.ActualCost == 0);

    private static IReadOnlyList<PoolCharge> ChargesOf(
        IReadOnlyList<Reservation> reservations,
        double? actualCost,
        ProviderObserved? observation)
    {
        var charges = new List<PoolCharge>();
        foreach (var reservation in reservations)
        {
            var covered = observation is not null
                && observation.Provider == reservation.Pool.Provider
                && observation.Pools.Any(p => p.Pool == reservation.Pool.Pool && p.Owner == reservation.Pool.Owner
                    && p.Remaining is not null);
            if (covered)
            {
                continue;
            }

            var amount = reservation.ScalesWithCost ? actualCost ?? reservation.Amount : reservation.Amount;
            if (amount > 0)
            {
                charges.Add(new PoolCharge(reservation.Pool, amount));
            }
        }

        return charges;
    }

    /// <summary>Builds the decision event, the policy events and the answer, for every way an intent can end.</summary>
    private sealed class DecisionBuilder(
        Guid intentId,
        SubmitIntent command,
        RatelordOptions options,
        Emitter emit,
        EventDimensions dimensions,
        Guid causationId)
    {
        public PolicyVerdict? Verdict { get; set; }

        public IReadOnlyList<PoolCheck> Checks { get; set; } = [];

        public PoolCheck? Tightest { get; set; }

        public IReadOnlyList<BudgetStatus> Budgets { get; set; } = [];

        public IntentDecisionResult Deny(string reason, double? retryAfter, string? summary) =>
            Record(new IntentDecided(
                intentId,
                Domain.Verdict.DenyWithReason,
                null,
                null,
                null,
                reason,
                retryAfter,
                null,
                [],
                Tightest?.Pool.ToString(),
                summary ?? Summarize(Tightest, emit.Now),
                options.PolicyVersion,
                RulesFired()));

        public IntentDecisionResult Approve(
            DateTimeOffset now,
            DateTimeOffset start,
            IReadOnlyList<PoolDemand> demands,
            string? reason,
            string? identitySwitch,
            IReadOnlyList<BudgetCharge> holds)
        {
            var wait = (start - now).TotalSeconds;
            var waits = wait > 0;
            var defers = waits && start - now > options.DeferAfter;
            var modified = waits || identitySwitch is not null;
            var duration = TimeSpan.FromSeconds(command.DurationHintSeconds ?? 0);

            return Record(new IntentDecided(
                intentId,
                modified ? Domain.Verdict.ApproveWithModifications : Domain.Verdict.Approve,
                waits && !defers ? wait : null,
                defers ? start : null,
                identitySwitch,
                modified ? reason : null,
                null,
                start + options.ApprovalTtl + duration,
                CapacityRule.Reserve(demands, start),
                Tightest?.Pool.ToString(),
                Summarize(Tightest, now),
                options.PolicyVersion,
                RulesFired(),
                holds.Count > 0 ? holds : null));
        }

        private List<string> RulesFired() => Verdict is null ? [] : [.. Verdict.Fired.Select(f => f.QualifiedName)];

        private IntentDecisionResult Record(IntentDecided decided)
        {
            var decidedEvent = emit.Emit(decided, dimensions, causationId: causationId);
            foreach (var fired in Verdict?.Fired ?? [])
            {
                emit.Emit(
                    new PolicyTriggered(intentId, fired.PolicyId, fired.Rule, fired.Action.ToString().ToLowerInvariant()),
                    dimensions,
                    causationId: decidedEvent.EventId,
                    provider: fired.Pool?.Provider,
                    pool: fired.Pool?.Pool);
            }

            return new IntentDecisionResult(
                decided.IntentId,
                decided.Verdict,
                decided.WaitSeconds,
                decided.DeferUntil,
                decided.IdentitySwitch,
                decided.Reason,
                decided.RetryAfterSeconds,
                decided.ValidUntil,
                new Evaluation(emit.Now, decided.RiskSummary, Tightest, decided.PolicyVersion, decided.RulesFired),
                command.Debug ? new DecisionTrace(Checks, Verdict?.Trace ?? [], Budgets) : null);
        }
    }
}
