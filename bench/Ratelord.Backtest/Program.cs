using System.Globalization;
using System.Reflection;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Forecasting.Backtesting;

// Replays the seeded traces through every shipped forecast model and the naive baseline, prints the
// report, writes it to results/backtest.md beside this project, and exits 1 when the decision model
// misses a criterion on any trace.
//
//   dotnet run -c Release --project bench/Ratelord.Backtest [-- --seed 7 --hours 24 --out report.md]
var seed = 20261203;
var hours = 24.0;
string? output = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s):
            seed = s;
            i++;
            break;
        case "--hours" when i + 1 < args.Length
            && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var h) && h >= 1:
            hours = h;
            i++;
            break;
        case "--out" when i + 1 < args.Length:
            output = args[++i];
            break;
        default:
            await Console.Error.WriteLineAsync(
                $"Unknown or incomplete option '{args[i]}'. Use --seed <int>, --hours <number ≥ 1>, --out <path>.");
            return 2;
    }
}

var models = ForecastModels.All;
var scores = Backtest.RunAll(models, seed, hours);
var report = BacktestReport.ToMarkdown(scores, ForecastModels.Decision.Id, seed, hours);
Console.WriteLine(report);

var directory = typeof(Backtest).Assembly is var _ && Assembly.GetExecutingAssembly()
    .GetCustomAttributes<AssemblyMetadataAttribute>()
    .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value is { } project
    ? Path.Combine(project, "results")
    : Path.Combine(Environment.CurrentDirectory, "results");
output ??= Path.Combine(directory, "backtest.md");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, "# Forecast backtest\n\n" + report);
Console.WriteLine($"Report written to {output}");

return scores.All(s => s.Passes(ForecastModels.Decision.Id)) ? 0 : 1;
