using BenchmarkDotNet.Running;
using Ratelord.Benchmarks;

// dotnet run -c Release --project bench/Ratelord.Benchmarks -- --filter '*'
// Add --job short for a quick sanity run (CI); see docs/benchmarks.md.
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, BenchmarkConfig.Create(args));
