using System.Globalization;
using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Events;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Policies;

/// <summary>One rule that fired for an intent.</summary>
/// <param name="Pool">The pool whose values made the condition hold, when it read pool values.</param>
public sealed record FiredRule(string PolicyId, string Rule, RuleAction Action, string? Reason, double? RetryAfterSeconds, PoolKey? Pool)
{
    /// <summary>The rule's name as recorded: <c>policy/rule</c>.</summary>
    public string QualifiedName => $"{PolicyId}/{Rule}";
}

/// <summary>How one rule was evaluated, for <c>debug: true</c>.</summary>
public sealed record RuleTrace(
    string PolicyId,
    string Rule,
    string Condition,
    string? Pool,
    IReadOnlyDictionary<string, object?> Inputs,
    bool Result,
    string? Error);

/// <summary>The rules that fired for an intent, and the strictest action among them.</summary>
public sealed record PolicyVerdict(IReadOnlyList<FiredRule> Fired, IReadOnlyList<RuleTrace> Trace)
{
    /// <summary>The strictest action fired; a lower level can tighten but never loosen a higher one.</summary>
    public RuleAction? Strictest => Fired.Count == 0 ? null : Fired.Max(f => f.Action);

    public FiredRule? Deciding => Fired.Count == 0 ? null : Fired.OrderByDescending(f => f.Action).First();

    /// <summary>True when an explicit approve rule fired and nothing stricter did.</summary>
    public bool ExplicitlyApproved => Strictest == RuleAction.Approve;
}

/// <summary>
/// Evaluates the policy's rules for one intent against each pool it draws from: global policies
/// first, then scopes, pools and identities. Every fired rule is kept; the strictest decides.
/// </summary>
public static class PolicyEvaluation
{
    /// <summary>Values that are unknown read as the pessimistic extreme, never as a licence to go on.</summary>
    private const double NoExhaustion = 1e12;

    public static PolicyVerdict Evaluate(
        PolicySet policy,
        SubmitIntent intent,
        IReadOnlyList<PoolDemand> demands,
        IReadOnlyDictionary<PoolKey, PoolForecast> forecasts,
        RatelordState state,
        DateTimeOffset now,
        bool trace)
    {
        var fired = new List<FiredRule>();
        var traces = new List<RuleTrace>();
        if (policy.Policies.Count == 0)
        {
            return new PolicyVerdict(fired, traces);
        }

        var common = CommonValues(policy, intent, demands, state, now);
        var perPool = demands
            .Select(d => (d.Pool, Values: PoolValues(d, forecasts.GetValueOrDefault(d.Pool), state, intent, now, common)))
            .ToList();
        foreach (var p in policy.Policies.OrderBy(p => p.Level))
        {
            if (!p.Covers(intent.ScopeId, intent.IdentityId))
            {
                continue;
            }

            foreach (var rule in p.Rules)
            {
                var readsPool = rule.Condition.Names.Any(IsPoolName);
                var candidates = readsPool
                    ? perPool.Where(x => p.CoversPool(x.Pool)).Select(x => ((PoolKey?)x.Pool, x.Values)).ToList()
                    : [(null, perPool.Count > 0 ? perPool[0].Values : common)];
                foreach (var (pool, values) in candidates)
                {
                    var result = rule.Condition.Evaluate(values, out var error);
                    if (trace)
                    {
                        traces.Add(new RuleTrace(
                            p.Id,
                            rule.Name,
                            rule.Condition.Text,
                            pool?.ToString(),
                            rule.Condition.Names.ToDictionary(n => n, n => values.GetValueOrDefault(n)),
                            result,
                            error));
                    }

                    if (result)
                    {
                        fired.Add(new FiredRule(p.Id, rule.Name, rule.Action, rule.Reason, rule.RetryAfterSeconds, pool));
                        break;
                    }
                }
            }
        }

        return new PolicyVerdict(fired, traces);
    }

    private static bool IsPoolName(string name) =>
        name.StartsWith("pool.", StringComparison.Ordinal) || name.StartsWith("risk.", StringComparison.Ordinal)
        || name.StartsWith("tte.", StringComparison.Ordinal) || name is "ttr_s" or "margin_s"
        || name is "agent.burn_share" or "identity.burn_share";

    private static Dictionary<string, object?> CommonValues(
        PolicySet policy,
        SubmitIntent intent,
        IReadOnlyList<PoolDemand> demands,
        RatelordState state,
        DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(policy.Defaults.TimeZone));
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["agent.id"] = intent.AgentId,
            ["identity.id"] = intent.IdentityId,
            ["scope.id"] = intent.ScopeId,
            ["intent.urgency"] = WireNames.Of(intent.Urgency),
            ["intent.expected_cost"] = intent.ExpectedCost ?? 1d,
            ["intent.workload"] = intent.WorkloadId,
            ["time.hour"] = local.Hour,
            ["time.minute"] = local.Minute,
            ["time.weekday"] = local.DayOfWeek.ToString().ToLowerInvariant(),
        };
        foreach (var label in intent.Labels ?? [])
        {
            values[Condition.LabelPrefix + label.Key] = label.Value;
        }

        var budget = Budgets.Tightest(policy, intent.ScopeId, demands, state, now);
        values["budget.limit_usd"] = budget?.LimitUsd ?? NoExhaustion;
        values["budget.spent_usd"] = budget?.SpentUsd ?? 0d;
        values["budget.remaining_usd"] = budget?.RemainingUsd ?? NoExhaustion;

        return values;
    }

    private static Dictionary<string, object?> PoolValues(
        PoolDemand demand,
        PoolForecast? forecast,
        RatelordState state,
        SubmitIntent intent,
        DateTimeOffset now,
        Dictionary<string, object?> common)
    {
        var values = new Dictionary<string, object?>(common, StringComparer.Ordinal);
        var pool = state.Pools.Find(demand.Pool);
        var view = pool?.ViewAt(now);
        var limit = view?.Limit;
        var remaining = view?.Remaining ?? 0;
        var reserved = pool?.Reserved ?? 0;
        values["pool.provider"] = demand.Pool.Provider;
        values["pool.name"] = demand.Pool.Pool;
        values["pool.remaining"] = remaining;
        values["pool.limit"] = limit ?? remaining;
        values["pool.reserved"] = reserved;
        values["pool.available"] = Math.Max(0, remaining - reserved);
        values["pool.remaining_percent"] = limit is > 0 and var l ? 100 * remaining / l : 0d;
        values["pool.utilization"] = limit is > 0 and var u ? Math.Clamp((u - remaining + reserved) / u, 0, 1) : 1d;
        values["pool.status"] = forecast is null ? "unknown" : WireNames.Of(forecast.Status);
        values["pool.stale"] = forecast?.Stale ?? true;
        values["risk.p_exhaustion"] = forecast?.PExhaustion ?? 1d;
        values["tte.p50_s"] = Tte(forecast?.Tte.P50Seconds, forecast);
        values["tte.p90_s"] = Tte(forecast?.Tte.P90Seconds, forecast);
        values["tte.p99_s"] = Tte(forecast?.Tte.P99Seconds, forecast);
        values["ttr_s"] = forecast?.TtrSeconds ?? NoExhaustion;
        values["margin_s"] = forecast?.MarginSeconds ?? (forecast?.Tte.P99Seconds is null && forecast?.PExhaustion is 0 ? NoExhaustion : 0d);
        values["agent.burn_share"] = state.Burn.AgentShare(demand.Pool, intent.AgentId, now);
        values["identity.burn_share"] = state.Burn.IdentityShare(demand.Pool, intent.IdentityId, now);

        return values;
    }

    // A null time to exhaustion means the pool does not run dry at the forecast rate; an unknown forecast is pessimistic.
    private static double Tte(double? seconds, PoolForecast? forecast) =>
        seconds ?? (forecast is { PExhaustion: not null } ? NoExhaustion : 0);

    /// <summary>Formats a value for a trace or a reason.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
