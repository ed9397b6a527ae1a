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

    public static IntentDecisionResult Decide(SubmitIntent command, RatelordState state, RatelordOptions options, Emitter emit)
    {
        var now = emit.Now;
        var intentId = emit.NewId();
        var dimensions = new EventDimensions(command.AgentId, command.IdentityId, command.WorkloadId, command.ScopeId);
        var submitted = emit.Emit(
            new IntentSubmitted(
                intentId,
                command.Urgency,
                command.ExpectedCost,
                command.DurationHintSeconds,
                command.MaxWaitSeconds,
                command.ClientContext),
            dimensions);

        var identity = state.Identities.Find(command.IdentityId);
        if (identity is null)
        {
            var reason = state.Identities.WasDeleted(command.IdentityId)
                ? ReasonCodes.IdentityDeleted
                : ReasonCodes.UnknownIdentity;

            return Deny(intentId, reason, null, [], null, $"identity '{command.IdentityId}' is not registered");
        }

        var demands = DemandsOf(command, identity, options.Workloads);
        var plan = Plan(demands, state, now);
        var checks = demands.Select(d => Check(d, state, now, plan, options)).ToList();
        var tightest = Tightest(checks, plan);
        var summary = Summarize(tightest, now);

        if (plan.Start is not { } start)
        {
            var retryAfter = plan.RetryAt is { } retryAt ? Math.Max(0, (retryAt - now).TotalSeconds) : (double?)null;

            return Deny(intentId, plan.Blocker ?? ReasonCodes.PoolExhausted, retryAfter, checks, tightest, summary);
        }

        var wait = (start - now).TotalSeconds;
        if (command.MaxWaitSeconds is { } maxWait && wait > maxWait)
        {
            return Deny(intentId, ReasonCodes.WaitTooLong, wait, checks, tightest, summary);
        }

        var duration = TimeSpan.FromSeconds(command.DurationHintSeconds ?? 0);
        var validUntil = start + options.ApprovalTtl + duration;
        var reservations = CapacityRule.Reserve(demands, start);
        var waits = wait > 0;
        var defers = waits && start - now > options.DeferAfter;
        var verdict = waits ? Verdict.ApproveWithModifications : Verdict.Approve;
        var decided = new IntentDecided(
            intentId,
            verdict,
            waits && !defers ? wait : null,
            defers ? start : null,
            null,
            waits ? plan.Blocker : null,
            null,
            validUntil,
            reservations,
            tightest?.Pool.ToString(),
            summary,
            options.PolicyVersion,
            []);
        emit.Emit(decided, dimensions, causationId: submitted.EventId);

        return Result(decided, checks, tightest, command.Debug, now);

        IntentDecisionResult Deny(
            Guid id,
            string reason,
            double? retryAfter,
            IReadOnlyList<PoolCheck> poolChecks,
            PoolCheck? tightestPool,
            string risk)
        {
            var denied = new IntentDecided(
                id,
                Verdict.DenyWithReason,
                null,
                null,
                null,
                reason,
                retryAfter,
                null,
                [],
                tightestPool?.Pool.ToString(),
                risk,
                options.PolicyVersion,
                []);
            emit.Emit(denied, dimensions, causationId: submitted.EventId);

            return Result(denied, poolChecks, tightestPool, command.Debug, now);
        }
    }

    public static OutcomeResult Decide(ReportOutcome command, RatelordState state, Emitter emit)
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
            (observation, reading) = PoolDecider.Read(
                command.Family, record.Dimensions.IdentityId, response, state, command.IntentId);
            observed = emit.Emit(
                observation,
                record.Dimensions,
                reading.ResponseDate ?? emit.Now,
                provider: observation.Provider);
        }

        var charges = command.Outcome == SettlementOutcomes.Cancelled
            ? []
            : ChargesOf(decision.Reservations, command.ActualCost, observation);
        emit.Emit(
            new IntentSettled(command.IntentId, command.Outcome, command.ActualCost, command.Response?.Status, charges),
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
    private static Planned Plan(List<PoolDemand> demands, RatelordState state, DateTimeOffset now)
    {
        var start = now;
        string? blocker = null;
        for (var round = 0; round < MaxPlanningRounds; round++)
        {
            var latest = start;
            foreach (var demand in demands)
            {
                var slot = CapacityRule.EarliestSlot(state.Pools.Find(demand.Pool), demand, start);
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

    private static PoolCheck Check(PoolDemand demand, RatelordState state, DateTimeOffset now, Planned plan, RatelordOptions options)
    {
        var pool = state.Pools.Find(demand.Pool);
        if (pool is null)
        {
            return new PoolCheck(demand.Pool, demand.Cost, null, null, 0, null, plan.Start, ReasonCodes.PoolUnobserved, PoolStatus.Unknown, null);
        }

        var view = pool.ViewAt(now);
        var slot = CapacityRule.EarliestSlot(pool, demand, now);
        var forecast = PoolForecaster.Forecast(pool, now, options.ForecastModel);

        return new PoolCheck(
            demand.Pool,
            demand.Cost,
            view.Limit,
            view.Remaining,
            pool.Reserved,
            view.ResetAt,
            slot.Start,
            slot.Blocker,
            forecast.Status,
            forecast.PExhaustion);
    }

    /// <summary>The pool that set the start, or else the one with the least left relative to its limit.</summary>
    private static PoolCheck? Tightest(List<PoolCheck> checks, Planned plan)
    {
        if (checks.Count == 0)
        {
            return null;
        }

        var late = checks.Where(c => c.EarliestStart is null || (plan.Start is { } s && c.EarliestStart >= s && c.Blocker is not null));
        var candidates = late.Any() ? late : checks;

        return candidates.OrderBy(Headroom).ThenBy(c => c.Pool).First();

        static double Headroom(PoolCheck check) =>
            check.Remaining is { } remaining && check.Limit is > 0 and var limit
                ? (remaining - check.Reserved) / limit
                : check.Remaining is { } r ? r - check.Reserved : double.MaxValue;
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
        var status = WireNames.Of(tightest.Status);

        return $"{tightest.Pool}: {remaining} of {limit} left, {reserved} reserved, {reset}, status {status}";
    }

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

    private static IntentDecisionResult Result(
        IntentDecided decided,
        IReadOnlyList<PoolCheck> checks,
        PoolCheck? tightest,
        bool debug,
        DateTimeOffset now) =>
        new(
            decided.IntentId,
            decided.Verdict,
            decided.WaitSeconds,
            decided.DeferUntil,
            decided.IdentitySwitch,
            decided.Reason,
            decided.RetryAfterSeconds,
            decided.ValidUntil,
            new Evaluation(now, decided.RiskSummary, tightest, decided.PolicyVersion),
            debug ? checks : null);
}
