using Ratelord.Core.Events;

namespace Ratelord.Core.Projections;

/// <summary>
/// Money spent and held per budget window, in micro-USD. Holds come with approvals and are
/// released when the intent settles (replaced by what it really cost) or lapses.
/// </summary>
public sealed class BudgetLedger
{
    private readonly Dictionary<(string Budget, DateTimeOffset Window), double> _spent = [];
    private readonly Dictionary<Guid, IReadOnlyList<BudgetCharge>> _holds = [];

    public double SpentMicroUsd(string budgetId, DateTimeOffset windowStart) =>
        _spent.GetValueOrDefault((budgetId, windowStart));

    public double HeldMicroUsd(string budgetId, DateTimeOffset windowStart) =>
        _holds.Values.SelectMany(h => h).Where(h => h.BudgetId == budgetId && h.WindowStart == windowStart).Sum(h => h.MicroUsd);

    internal void Apply(EventEnvelope envelope)
    {
        switch (envelope.Payload)
        {
            case IntentDecided { BudgetHolds.Count: > 0 } decided:
                _holds[decided.IntentId] = decided.BudgetHolds;
                break;
            case IntentSettled settled:
                _holds.Remove(settled.IntentId);
                foreach (var charge in settled.BudgetCharges ?? [])
                {
                    var key = (charge.BudgetId, charge.WindowStart);
                    _spent[key] = _spent.GetValueOrDefault(key) + charge.MicroUsd;
                }

                break;
        }
    }
}
