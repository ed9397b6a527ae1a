using Ratelord.Core.Events;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Policies;

/// <summary>Where a budget stands for one intent: its window, what is spent and held, and what the intent would cost.</summary>
public sealed record BudgetStatus(
    Budget Budget,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    double SpentMicroUsd,
    double HeldMicroUsd,
    double IntentMicroUsd)
{
    public double LimitUsd => Budget.LimitUsd;

    public double SpentUsd => SpentMicroUsd / 1e6;

    public double RemainingUsd => Math.Max(0, Budget.LimitUsd - ((SpentMicroUsd + HeldMicroUsd) / 1e6));

    /// <summary>True when spending the intent's price now would cross the limit.</summary>
    public bool WouldExceed => (SpentMicroUsd + HeldMicroUsd + IntentMicroUsd) / 1e6 > Budget.LimitUsd;

    /// <summary>
    /// How long to wait so that spend, projected linearly over the window, stays within the limit:
    /// zero when the budget is on track.
    /// </summary>
    public TimeSpan PacingWait(DateTimeOffset now)
    {
        var window = (WindowEnd - WindowStart).TotalSeconds;
        var allowancePerSecond = Budget.LimitUsd * 1e6 / window;
        var committed = SpentMicroUsd + HeldMicroUsd + IntentMicroUsd;
        var allowedNow = allowancePerSecond * (now - WindowStart).TotalSeconds;

        return committed <= allowedNow ? TimeSpan.Zero : TimeSpan.FromSeconds((committed - allowedNow) / allowancePerSecond);
    }
}

/// <summary>Prices intents and places them in budget windows.</summary>
public static class Budgets
{
    /// <summary>Every budget covering the scope, with the intent's price, tightest (least remaining) first.</summary>
    public static IReadOnlyList<BudgetStatus> For(
        PolicySet policy,
        string scope,
        IReadOnlyList<PoolDemand> demands,
        RatelordState state,
        DateTimeOffset now)
    {
        if (policy.Budgets.Count == 0)
        {
            return [];
        }

        var price = demands.Sum(d => d.Cost * (policy.Pricing.MicroUsdOf(d.Pool.Provider, d.Pool.Pool) ?? 0));
        var statuses = new List<BudgetStatus>();
        foreach (var budget in policy.Budgets)
        {
            if (!Policy.ScopeCovers(budget.Scope, scope))
            {
                continue;
            }

            var (start, end) = WindowOf(budget, now);
            statuses.Add(new BudgetStatus(
                budget,
                start,
                end,
                state.Budgets.SpentMicroUsd(budget.Id, start),
                state.Budgets.HeldMicroUsd(budget.Id, start),
                price));
        }

        return [.. statuses.OrderBy(s => s.RemainingUsd).ThenBy(s => s.Budget.Id, StringComparer.Ordinal)];
    }

    public static BudgetStatus? Tightest(
        PolicySet policy,
        string scope,
        IReadOnlyList<PoolDemand> demands,
        RatelordState state,
        DateTimeOffset now) =>
        For(policy, scope, demands, state, now).FirstOrDefault();

    /// <summary>What an approval holds against each covering budget.</summary>
    public static IReadOnlyList<BudgetCharge> Holds(IReadOnlyList<BudgetStatus> statuses) =>
        [.. statuses.Where(s => s.IntentMicroUsd > 0).Select(s => new BudgetCharge(s.Budget.Id, s.WindowStart, s.IntentMicroUsd))];

    /// <summary>
    /// What a settled intent really cost each budget it held: its holds repriced by the actual cost
    /// for the pools charged by cost, in the windows the holds were placed in.
    /// </summary>
    public static IReadOnlyList<BudgetCharge> Charges(
        PolicySet policy,
        IntentDecided decision,
        double? actualCost)
    {
        if (decision.BudgetHolds is not { Count: > 0 } holds)
        {
            return [];
        }

        var actual = decision.Reservations.Sum(r =>
            (r.ScalesWithCost ? actualCost ?? r.Amount : r.Amount) * (policy.Pricing.MicroUsdOf(r.Pool.Provider, r.Pool.Pool) ?? 0));

        return [.. holds.Select(h => h with { MicroUsd = actual })];
    }

    /// <summary>The calendar window containing <paramref name="now"/> in the budget's time zone.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) WindowOf(Budget budget, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(budget.TimeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var startLocal = budget.Window switch
        {
            BudgetWindow.Hourly => new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified),
            BudgetWindow.Daily => new DateTime(local.Year, local.Month, local.Day, 0, 0, 0, DateTimeKind.Unspecified),
            _ => new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
        };
        var endLocal = budget.Window switch
        {
            BudgetWindow.Hourly => startLocal.AddHours(1),
            BudgetWindow.Daily => startLocal.AddDays(1),
            _ => startLocal.AddMonths(1),
        };

        return (ToUtc(startLocal, zone), ToUtc(endLocal, zone));
    }

    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        // A local midnight that a clock change skips is moved forward to the first instant that exists.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
