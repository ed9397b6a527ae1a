namespace Ratelord.Core.Forecasting;

/// <summary>
/// Calibrates a model's variance on the pool's own history: at every past sample, what the model
/// predicted for the next <c>h</c> seconds is compared with what was then consumed, in units of the
/// deviation the model claimed; the factor on the variance at horizon <c>h</c> is the one that would
/// have put the model's P90 bound where 90% of those errors fell. A pool whose demand shifts, bursts or ramps gets
/// wider bounds exactly as far as its history
/// shows it needs them; a steady pool keeps tight ones.
/// </summary>
/// <remarks>
/// Overlapping windows are far from independent, so each horizon's factor is shrunk toward 1 by a prior
/// worth one window of evidence; recent history weighs more (six-hour memory). Intervals in which the
/// pool was empty break the history: a window across one is not scored.
/// </remarks>
internal sealed class ErrorCalibration
{
    /// <summary>Horizons at which the factor is measured; between them it is interpolated on log time.</summary>
    private static readonly double[] Horizons = [300, 900, 1800, 3600, 7200];

    private const double MemorySeconds = 3 * 3600;
    private const double PriorWindows = 1;
    private const double SmallestFactor = 0.5;
    private const double LargestFactor = 25;

    private readonly List<Step> _steps = [];
    private double _time;
    private double _units;
    private int _segment;

    /// <summary>A sample the model learned from, and what the model predicted right after it.</summary>
    public void Add(double amount, double seconds, BurnEstimate prediction)
    {
        _time += seconds;
        _units += amount;
        _steps.Add(new Step(_time, _units, _segment, prediction, seconds));
    }

    /// <summary>The pool could not be consumed from for this long: history before it is not compared across
    /// it.</summary>
    public void Break(double seconds)
    {
        _time += seconds;
        _segment++;
    }

    /// <summary>The variance factor per horizon, or null with too little history to say.</summary>
    public VarianceScale? Build()
    {
        if (_steps.Count < 3)
        {
            return null;
        }

        var end = _time;
        var meanSeconds = _steps.Average(s => s.Seconds);
        var factors = new double[Horizons.Length];
        var measured = false;
        for (var k = 0; k < Horizons.Length; k++)
        {
            var horizon = Horizons[k];
            var errors = new List<(double Z, double Weight)>();
            double weight = 0;
            var j = 1;
            for (var i = 0; i < _steps.Count; i++)
            {
                var step = _steps[i];
                var target = step.Time + horizon;
                if (target > end)
                {
                    break;
                }

                // Targets only move forward with i, and so does the sample holding them.
                j = Math.Max(j, i + 1);
                while (j < _steps.Count && _steps[j].Time < target)
                {
                    j++;
                }

                var claimed = step.Prediction.ConsumptionVariance(horizon);
                if (j >= _steps.Count || _steps[j].Segment != step.Segment || claimed <= 0)
                {
                    continue;
                }

                var w = Math.Exp(-(end - step.Time) / MemorySeconds);
                var error = UnitsAt(j, target) - step.Units - step.Prediction.MeanConsumption(horizon);
                errors.Add((error / Math.Sqrt(claimed), w));
                weight += w;
            }

            if (weight <= 0)
            {
                factors[k] = k > 0 ? factors[k - 1] : 1;
                continue;
            }

            // The factor that would have put the model's own P90 bound where 90% of the history fell.
            var upper = Math.Max(Quantile(errors, weight, 0.9), 0.1);
            var measuredFactor = upper * upper / (Normal.Z90 * Normal.Z90);
            var prior = PriorWindows * horizon / meanSeconds;
            factors[k] = Math.Clamp(((weight * measuredFactor) + prior) / (weight + prior), SmallestFactor,
                LargestFactor);
            measured = true;
        }

        return measured ? new VarianceScale(Horizons, factors) : null;
    }

    private static double Quantile(List<(double Z, double Weight)> values, double total, double probability)
    {
        values.Sort((a, b) => a.Z.CompareTo(b.Z));
        double cumulative = 0;
        foreach (var (z, weight) in values)
        {
            cumulative += weight;
            if (cumulative >= probability * total)
            {
                return z;
            }
        }

        return values[^1].Z;
    }

    /// <summary>Cumulative units at <paramref name="time"/>, which lies within step <paramref name="j"/>.</summary>
    private double UnitsAt(int j, double time)
    {
        // Consumption within a sample is taken as even.
        var step = _steps[j];
        var before = _steps[j - 1].Units;
        var share = step.Seconds > 0 ? Math.Clamp((time - (step.Time - step.Seconds)) / step.Seconds, 0, 1) : 1;

        return before + (share * (step.Units - before));
    }

    private readonly record struct Step(
        double Time,
        double Units,
        int Segment,
        BurnEstimate Prediction,
        double Seconds);
}

/// <summary>A factor on the consumption variance that depends on the horizon, interpolated on log time.</summary>
public sealed class VarianceScale
{
    private readonly double[] _horizons;
    private readonly double[] _factors;

    /// <summary>Factors at increasing horizons (seconds); held flat beyond the first and the last.</summary>
    public VarianceScale(IReadOnlyList<double> horizons, IReadOnlyList<double> factors)
    {
        ArgumentNullException.ThrowIfNull(horizons);
        ArgumentNullException.ThrowIfNull(factors);
        if (horizons.Count == 0 || horizons.Count != factors.Count)
        {
            throw new ArgumentException("One factor per horizon, and at least one.", nameof(factors));
        }

        _horizons = [.. horizons];
        _factors = [.. factors];
    }

    /// <summary>The factor at <paramref name="seconds"/> of horizon.</summary>
    public double At(double seconds)
    {
        if (seconds <= _horizons[0])
        {
            return _factors[0];
        }

        for (var k = 1; k < _horizons.Length; k++)
        {
            if (seconds <= _horizons[k])
            {
                var share = Math.Log(seconds / _horizons[k - 1]) / Math.Log(_horizons[k] / _horizons[k - 1]);

                return _factors[k - 1] + (share * (_factors[k] - _factors[k - 1]));
            }
        }

        return _factors[^1];
    }
}
