using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ratelord.Samples.LlmAgent;
using Ratelord.Sdk;

// An LLM client that estimates tokens, is approved for them, and settles the real count after each call:
//   dotnet run --project samples/LlmAgent -- --daemon http://127.0.0.1:8090 --provider http://127.0.0.1:9092
//       --prompts 30 --max-tokens 200 --identity key:llm-sample
// The daemon needs the chat_completion workload: start it with --policy samples/LlmAgent/policy.yaml.
// Exits 0 when no prompt was throttled, 1 when some were, 2 on bad arguments, 3 when the daemon cannot be reached.
var daemon = RatelordClientOptions.DefaultBaseAddress;
var options = new LlmAgentOptions { ProviderAddress = new Uri("http://127.0.0.1:9092/") };
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
        case "--prompts" when number >= 0:
            options = options with { Prompts = number };
            break;
        case "--max-tokens" when number >= 1:
            options = options with { MaxTokens = number };
            break;
        case "--identity" when !string.IsNullOrWhiteSpace(value):
            options = options with { IdentityId = value };
            break;
        default:
            await Console.Error.WriteLineAsync(
                $"Unknown or invalid argument '{args[i]} {value}'. Usage: --daemon http://127.0.0.1:8090 "
                + "--provider http://127.0.0.1:9092 --prompts 30 --max-tokens 200 --identity key:llm-sample");
            return 2;
    }
}

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddSimpleConsole(console => console.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning));
services.AddRatelordClient(ratelord => ratelord.BaseAddress = daemon);
services.AddHttpClient("model");
await using var provider = services.BuildServiceProvider(validateScopes: true);

var runner = new LlmAgentRunner(
    provider.GetRequiredService<IRatelordClient>(),
    provider.GetRequiredService<IHttpClientFactory>().CreateClient("model"),
    Console.Out);
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
catch (RatelordRequestException e)
{
    await Console.Error.WriteLineAsync(
        e.Message + " Is the daemon running with --policy samples/LlmAgent/policy.yaml?");

    return 3;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Stopped before every prompt was sent.");

    return 130;
}
