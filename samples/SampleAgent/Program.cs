using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ratelord.Samples.SampleAgent;
using Ratelord.Sdk;

// Runs agents that ask the daemon before every call to the fake GitHub API:
//   dotnet run --project samples/SampleAgent -- --daemon http://127.0.0.1:8090 --provider http://127.0.0.1:9091
//       --calls 1000 --agents 8 --identity pat:sample
// Exits 0 when no call was throttled, 1 when some were, 2 on bad arguments, 3 when the daemon cannot be reached.
var daemon = RatelordClientOptions.DefaultBaseAddress;
var options = new SampleAgentOptions { ProviderAddress = new Uri("http://127.0.0.1:9091/") };
for (var i = 0; i < args.Length; i += 2)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    var number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
    switch (args[i])
    {
        case "--daemon" when Uri.TryCreate(value, UriKind.Absolute, out var address):
            daemon = address;
            break;
        case "--provider" when Uri.TryCreate(value, UriKind.Absolute, out var address):
            options = options with { ProviderAddress = address };
            break;
        case "--calls" when number >= 0:
            options = options with { Calls = number };
            break;
        case "--agents" when number >= 1:
            options = options with { Agents = number };
            break;
        case "--identity" when !string.IsNullOrWhiteSpace(value):
            options = options with { IdentityId = value };
            break;
        default:
            await Console.Error.WriteLineAsync(
                $"Unknown or invalid argument '{args[i]} {value}'. Usage: --daemon http://127.0.0.1:8090 "
                + "--provider http://127.0.0.1:9091 --calls 1000 --agents 8 --identity pat:sample");
            return 2;
    }
}

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddSimpleConsole(console => console.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning));
services.AddRatelordClient(ratelord => ratelord.BaseAddress = daemon);
services.AddHttpClient("provider");
await using var provider = services.BuildServiceProvider(validateScopes: true);

var runner = new SampleAgentRunner(
    provider.GetRequiredService<RatelordClient>(),
    provider.GetRequiredService<IHttpClientFactory>().CreateClient("provider"));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    var result = await runner.RunAsync(options, stop.Token);
    Console.WriteLine(result.ToSummaryLine());

    return result.Throttled == 0 ? 0 : 1;
}
catch (RatelordUnavailableException e)
{
    await Console.Error.WriteLineAsync(e.Message);

    return 3;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Stopped before every call was made.");

    return 130;
}
