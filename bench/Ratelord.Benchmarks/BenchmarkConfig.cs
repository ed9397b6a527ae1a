using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Ratelord.Benchmarks;

/// <summary>The configuration every run starts from; options on the command line add to it.</summary>
internal static class BenchmarkConfig
{
    private const int WarmupCount = 4;

    private const int IterationCount = 15;

    /// <summary>
    /// Each run builds a generated project with Core and Host; on two cores shared with other
    /// builds that outlasts BenchmarkDotNet's two-minute default.
    /// </summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// BenchmarkDotNet's default configuration, writing its reports beside this project, plus a
    /// default job with bounded warm-up and iteration counts so the suite finishes in minutes on a
    /// two-core machine.
    /// </summary>
    /// <remarks>
    /// BenchmarkDotNet takes a configured default job as the base of every run and then ignores
    /// <c>--job</c>, so the bounded job is left out whenever the command line names a job
    /// (<c>--job short</c> for a quick run in CI).
    /// </remarks>
    public static IConfig Create(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .WithArtifactsPath(ArtifactsPath())
            .WithBuildTimeout(BuildTimeout);
        if (NamesJob(args))
        {
            return config;
        }

        return config.AddJob(Job.Default
            .WithWarmupCount(WarmupCount)
            .WithIterationCount(IterationCount)
            .WithId("Ratelord")
            .AsDefault());
    }

    private static bool NamesJob(string[] args) =>
        args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));

    /// <summary>bench/Ratelord.Benchmarks/BenchmarkDotNet.Artifacts, wherever the run starts from.</summary>
    private static string ArtifactsPath()
    {
        var projectDirectory = typeof(BenchmarkConfig).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ProjectDirectory")
            .Value!;

        return Path.Combine(projectDirectory, "BenchmarkDotNet.Artifacts");
    }
}
