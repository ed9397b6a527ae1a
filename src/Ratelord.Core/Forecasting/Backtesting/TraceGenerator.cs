namespace Ratelord.Core.Forecasting.Backtesting;

/// <summary>Makes the backtest's traces from a seed, the same on every machine and every run.</summary>
public static class TraceGenerator
{
    /// <summary>Capacity of the fixed-window traces: GitHub's 5,000 an hour.</summary>
    public const double FixedLimit = 5000;

    /// <summary>Window of the fixed-window traces.</summary>
    public const int FixedWindowSeconds = 3600;

    /// <summary>Capacity of the rolling-window trace.</summary>
    public const double RollingLimit = 900;

    /// <summary>Window of the rolling-window trace.</summary>
    public const int RollingWindowSeconds = 900;

    /// <summary>Seconds of demand generated past the scored part, so that late forecasts meet their future.</summary>
    public const int TailSeconds = 6 * 3600;

    /// <summary>Every kind of trace, in report order.</summary>
    public static IReadOnlyList<TraceKind> Kinds { get; } = Enum.GetValues<TraceKind>();

    /// <summary>The trace of <paramref name="kind"/> from <paramref name="seed"/>, scored over <paramref
    /// name="hours"/>.</summary>
    public static Trace Generate(TraceKind kind, int seed, double hours)
    {
        var random = new Random(unchecked((seed * 7919) + ((int)kind * 104729)) & int.MaxValue);
        var scored = (int)(hours * 3600);
        var length = scored + TailSeconds;
        var rolling = kind == TraceKind.RollingWindow;
        var limit = rolling ? RollingLimit : FixedLimit;
        var window = rolling ? RollingWindowSeconds : FixedWindowSeconds;
        var baseRate = limit / window;
        var demand = new double[length];
        double[]? accounted = null;
        switch (kind)
        {
            case TraceKind.Steady:
                FillPoisson(demand, random, _ => 0.98 * baseRate);
                break;
            case TraceKind.Bursty:
                FillPoisson(demand, random, _ => 0.3 * baseRate);
                AddBursts(demand, random, meanGapSeconds: 120, meanSize: 0.75 * baseRate * 120);
                break;
            case TraceKind.Diurnal:
                var phase = random.NextDouble() * 2 * Math.PI;
                FillPoisson(demand, random, t => baseRate * (1 + (0.6 * Math.Sin((2 * Math.PI * t / 86400) + phase))));
                break;
            case TraceKind.StepChange:
                var levels = StepLevels(length, random, baseRate);
                FillPoisson(demand, random, t => levels[t]);
                break;
            case TraceKind.HiddenConsumer:
                accounted = new double[length];
                FillPoisson(accounted, random, _ => 0.6 * baseRate);
                var hidden = new double[length];
                var switches = OnOff(length, random, meanOnSeconds: 1200, meanOffSeconds: 2400);
                FillPoisson(hidden, random, t => switches[t] ? 0.9 * baseRate : 0);
                for (var t = 0; t < length; t++)
                {
                    demand[t] = accounted[t] + hidden[t];
                }

                break;
            case TraceKind.RollingWindow:
                var drift = random.NextDouble() * 2 * Math.PI;
                FillPoisson(demand, random, t => baseRate * (0.9 + (0.3 * Math.Sin((2 * Math.PI * t / 7200) + drift))));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown trace kind.");
        }

        var firstReset = rolling ? 0 : 1 + random.Next(window);

        return new Trace(NameOf(kind), kind, seed, limit, window, rolling, firstReset, scored, demand, accounted);
    }

    /// <summary>The report's name of a kind: <c>step_change</c>.</summary>
    public static string NameOf(TraceKind kind) => kind switch
    {
        TraceKind.Steady => "steady",
        TraceKind.Bursty => "bursty",
        TraceKind.Diurnal => "diurnal",
        TraceKind.StepChange => "step_change",
        TraceKind.HiddenConsumer => "hidden_consumer",
        TraceKind.RollingWindow => "rolling_window",
        _ => kind.ToString(),
    };

    private static void FillPoisson(double[] target, Random random, Func<int, double> rate)
    {
        for (var t = 0; t < target.Length; t++)
        {
            target[t] += Poisson(random, rate(t));
        }
    }

    /// <summary>Bursts at exponential gaps, each an exponential number of calls spread over five seconds.</summary>
    private static void AddBursts(double[] target, Random random, double meanGapSeconds, double meanSize)
    {
        var t = Exponential(random, meanGapSeconds);
        while (t < target.Length)
        {
            var size = Math.Round(Exponential(random, meanSize));
            var start = (int)t;
            for (var i = 0; i < 5 && start + i < target.Length; i++)
            {
                target[start + i] += Math.Floor(size / 5) + (i < size % 5 ? 1 : 0);
            }

            t += Exponential(random, meanGapSeconds);
        }
    }

    private static double[] StepLevels(int length, Random random, double baseRate)
    {
        double[] multiples = [0.5, 0.8, 1.1, 1.4];
        var levels = new double[length];
        var t = 0;
        while (t < length)
        {
            var level = multiples[random.Next(multiples.Length)] * baseRate;
            var until = Math.Min(length, t + (int)Exponential(random, 4 * 3600) + 600);
            Array.Fill(levels, level, t, until - t);
            t = until;
        }

        return levels;
    }

    private static bool[] OnOff(int length, Random random, double meanOnSeconds, double meanOffSeconds)
    {
        var on = new bool[length];
        var t = (int)Exponential(random, meanOffSeconds);
        while (t < length)
        {
            var until = Math.Min(length, t + (int)Exponential(random, meanOnSeconds) + 60);
            Array.Fill(on, true, t, until - t);
            t = until + (int)Exponential(random, meanOffSeconds) + 60;
        }

        return on;
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    /// <summary>Knuth's method for small means, a rounded normal for large ones.</summary>
    private static double Poisson(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            var u = 1 - random.NextDouble();
            var v = random.NextDouble();
            var z = Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);

            return Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * z)));
        }

        var threshold = Math.Exp(-mean);
        var count = 0;
        var product = random.NextDouble();
        while (product > threshold)
        {
            count++;
            product *= random.NextDouble();
        }

        return count;
    }
}
