using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ratelord.Samples.SampleWorker;

// A worker service whose HttpClient is governed by Ratelord:
//   dotnet run --project samples/SampleWorker -- --daemon http://127.0.0.1:8090 --provider http://127.0.0.1:9091
//       --calls 300 --loops 4 --identity pat:worker
// Exits 0 when no read was throttled, 1 when some were, 3 when the daemon refused or could not be reached.
using var host = SampleWorkerHost.Build(args);
await host.RunAsync();

try
{
    var result = await host.Services.GetRequiredService<RepositoryReader>().Result;
    Console.WriteLine(result.ToSummaryLine());

    return result.Throttled == 0 ? 0 : 1;
}
catch (Exception e) when (e is Ratelord.Sdk.RatelordException or OperationCanceledException)
{
    await Console.Error.WriteLineAsync(e.Message);

    return 3;
}
