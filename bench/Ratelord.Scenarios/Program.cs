using System.Globalization;
using System.Reflection;
using Ratelord.Scenarios.Reporting;
using Ratelord.Scenarios.Scenarios;

namespace Ratelord.Scenarios;

/// <summary>
/// Runs every scenario in every mode, prints the tables, writes <c>docs/scenarios.md</c>, and exits 1 when
/// Ratelord misses a threshold.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Ratelord.Scenarios [-- --seed 7 --minutes 10 --out report.md]</c>
/// </remarks>
internal static class Program
{
    public const double DefaultMinutes = 10;

    private static int Main(string[] args)
    {
        var seed = ScenarioCatalog.DefaultSeed;
        var minutes = DefaultMinutes;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed" when i + 1 < args.Length
                    && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s):
                    seed = s;
                    i++;
                    break;
                case "--minutes" when i + 1 < args.Length
                    && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var m) && m >= 2:
                    minutes = m;
                    i++;
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    Console.Error.WriteLine(
                        $"Unknown or incomplete option '{args[i]}'. "
                        + "Use --seed <int>, --minutes <number ≥ 2>, --out <path>.");

                    return 2;
            }
        }

        var horizon = TimeSpan.FromMinutes(minutes);
        var results = ScenarioCatalog.All.Select(spec => ScenarioReport.Run(spec, seed, horizon)).ToList();
        Console.WriteLine(ScenarioReport.Tables(results));

        output ??= DefaultOutput();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, ScenarioReport.Markdown(results, seed, horizon));
        Console.WriteLine($"Report written to {output}");

        return results.SelectMany(Thresholds.Check).All(c => c.Holds) ? 0 : 1;
    }

    /// <summary>
    /// <c>docs/scenarios.md</c> of the repository this project was built in, whatever directory the run starts from.
    /// </summary>
    private static string DefaultOutput()
    {
        var project = Assembly.GetExecutingAssembly()
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
        var root = project is null ? Environment.CurrentDirectory : Path.Combine(project, "..", "..");

        return Path.GetFullPath(Path.Combine(root, "docs", "scenarios.md"));
    }
}
