using Ratelord.Core.Domain;

namespace Ratelord.Core.Policies;

/// <summary>
/// Everything an operator declares: workloads, prices, budgets, the policies and the defaults.
/// Conditions are compiled once, when the set is loaded.
/// </summary>
public sealed record PolicySet(
    string Version,
    string Source,
    WorkloadCatalog Workloads,
    Pricing Pricing,
    IReadOnlyList<Budget> Budgets,
    IReadOnlyList<Policy> Policies,
    PolicyDefaults Defaults)
{
    /// <summary>The built-in set used when no policy file is given.</summary>
    public static PolicySet BuiltIn { get; } = new(
        "builtin",
        "builtin",
        WorkloadCatalog.Empty,
        Pricing.None,
        [],
        [],
        new PolicyDefaults());

    public int RuleCount => Policies.Sum(p => p.Rules.Count);
}

/// <summary>
/// Behaviour that holds without any rule. Each default is documented in <c>docs/policy.md</c>.
/// </summary>
public sealed record PolicyDefaults
{
    /// <summary>Share of a pool's limit that only high urgency may use. Default 10 (%).</summary>
    public double HighUrgencyReservePercent { get; init; } = 10;

    /// <summary>
    /// How long before a reset the reserve is released to all urgencies, so unclaimed capacity is
    /// used; at most a tenth of the window. Default 0.5 s.
    /// </summary>
    public double ReserveReleaseSeconds { get; init; } = 0.5;

    /// <summary>Above this probability of exhaustion before the reset, non-high intents are paced. Default 0.5.</summary>
    public double ShapeAbovePExhaustion { get; init; } = 0.5;

    /// <summary>How far past a reset deferred intents are spread, at most. Default 5 s.</summary>
    public double DeferJitterSeconds { get; init; } = 5;

    /// <summary>Pacing weight per urgency: a background intent waits this many times a normal one's slot. Default 2.</summary>
    public double BackgroundPacingWeight { get; init; } = 2;

    /// <summary>An agent or identity above this multiple of its fair share of a pool's burn is paced first. Default 1.5.</summary>
    public double FairShareTolerance { get; init; } = 1.5;

    /// <summary>Time zone for <c>time.hour</c> and <c>time.weekday</c>. Default UTC.</summary>
    public string TimeZone { get; init; } = "UTC";
}

/// <summary>Micro-USD per unit of each provider's pools, for budgets.</summary>
public sealed record Pricing(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> MicroUsdPerUnit)
{
    public static Pricing None { get; } = new(new Dictionary<string, IReadOnlyDictionary<string, double>>());

    /// <summary>The price of one unit of a pool, or null when the pool is not priced.</summary>
    public double? MicroUsdOf(string provider, string pool) =>
        MicroUsdPerUnit.TryGetValue(provider, out var pools) && pools.TryGetValue(pool, out var price) ? price : null;
}

/// <summary>The period over which a budget's spend is counted.</summary>
public enum BudgetWindow
{
    Hourly,
    Daily,
    Monthly,
}

/// <summary>A money pool: spend in a scope over a calendar window may not exceed the limit.</summary>
public sealed record Budget(string Id, string Scope, double LimitUsd, BudgetWindow Window, string TimeZone);

/// <summary>Where a policy applies.</summary>
public enum PolicyLevel
{
    Global = 0,
    Scope = 1,
    Pool = 2,
    Identity = 3,
}

/// <summary>A named group of rules at one level of the hierarchy.</summary>
/// <param name="Selector">The scope prefix, <c>provider/pool</c>, or identity id the policy applies to.</param>
public sealed record Policy(string Id, PolicyLevel Level, string Selector, IReadOnlyList<Rule> Rules)
{
    /// <summary>True when the policy covers an intent in <paramref name="scope"/> for <paramref name="identity"/>.</summary>
    public bool Covers(string scope, string identity) => Level switch
    {
        PolicyLevel.Global => true,
        PolicyLevel.Scope => ScopeCovers(Selector, scope),
        PolicyLevel.Identity => Selector == identity,
        _ => true,
    };

    /// <summary>True when the policy looks at the given pool.</summary>
    public bool CoversPool(PoolKey pool) =>
        Level != PolicyLevel.Pool || Selector == $"{pool.Provider}/{pool.Pool}" || Selector == pool.ToString();

    /// <summary>A scope covers itself and everything below it: <c>org:acme</c> covers <c>org:acme/repo:web</c>.</summary>
    public static bool ScopeCovers(string prefix, string scope) =>
        prefix == "global"
        || scope == prefix
        || (scope.StartsWith(prefix, StringComparison.Ordinal) && scope.Length > prefix.Length && scope[prefix.Length] == '/');
}

/// <summary>What a rule does when its condition holds, from the mildest to the strictest.</summary>
public enum RuleAction
{
    Approve = 0,
    Shape = 1,
    Switch = 2,
    Defer = 3,
    Deny = 4,
}

/// <summary>One rule: when <see cref="Condition"/> holds, take <see cref="Action"/>.</summary>
/// <param name="Reason">The machine-readable reason a deny gives; defaults to <c>policy:&lt;rule&gt;</c>.</param>
/// <param name="RetryAfterSeconds">For a deny, when to ask again; defaults to the pool's time to reset.</param>
public sealed record Rule(
    string Name,
    Condition Condition,
    RuleAction Action,
    string? Reason,
    double? RetryAfterSeconds);
