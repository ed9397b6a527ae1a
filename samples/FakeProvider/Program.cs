using System.Globalization;
using Ratelord.Samples.FakeProvider;

// Runs a fake provider until Ctrl+C, GitHub-like by default or OpenAI-like with --api openai:
//   dotnet run --project samples/FakeProvider -- --port 9091 --limit 100 --window 10
//   dotnet run --project samples/FakeProvider -- --api openai --port 9092 --limit 20 --tokens 4000 --window 10
var api = "github";
var port = -1;
var limit = -1;
var tokens = 4000;
var window = 10;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    var parsed = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number);
    switch (args[i])
    {
        case "--api" when value is "github" or "openai":
            api = value;
            break;
        case "--port" when parsed:
            port = number;
            break;
        case "--limit" when parsed:
            limit = number;
            break;
        case "--tokens" when parsed:
            tokens = number;
            break;
        case "--window" when parsed:
            window = number;
            break;
        default:
            await Console.Error.WriteLineAsync(
                $"Unknown or incomplete argument '{args[i]}'. Usage: [--api github|openai] --port 9091 --limit 100 "
                + "[--tokens 4000] --window 10 (window in seconds; port 0 picks a free one; --tokens for openai).");
            return 2;
    }

    i++;
}

try
{
    return api == "openai"
        ? await RunOpenAiAsync(port < 0 ? 9092 : port, limit < 0 ? 20 : limit, tokens, window)
        : await RunGitHubAsync(port < 0 ? 9091 : port, limit < 0 ? 100 : limit, window);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);

    return 2;
}

static async Task<int> RunGitHubAsync(int port, int limit, int window)
{
    await using var server = new FakeGitHubServer(
        new FakeGitHubOptions { Limit = limit, Window = TimeSpan.FromSeconds(window) });
    var address = await server.StartAsync(port);
    Console.WriteLine(
        $"Fake GitHub API on {address} allows {limit} requests per {window} s window; Ctrl+C stops it.");
    await server.WaitForShutdownAsync();
    Console.WriteLine($"requests={server.TotalRequests} throttled={server.Throttled429}");

    return 0;
}

static async Task<int> RunOpenAiAsync(int port, int limit, int tokens, int window)
{
    await using var server = new FakeLlmServer(
        new FakeLlmOptions { RequestLimit = limit, TokenLimit = tokens, Window = TimeSpan.FromSeconds(window) });
    var address = await server.StartAsync(port);
    Console.WriteLine(
        $"Fake OpenAI-like API on {address} allows {limit} requests and {tokens} tokens per {window} s window; "
        + "Ctrl+C stops it.");
    await server.WaitForShutdownAsync();
    Console.WriteLine(
        $"requests={server.TotalRequests} throttled={server.Throttled429} tokens={server.TotalTokens}");

    return 0;
}
