using System.Globalization;
using Ratelord.Samples.FakeProvider;

// Runs the fake GitHub API until Ctrl+C:
//   dotnet run --project samples/FakeProvider -- --port 9091 --limit 100 --window 10
var port = 9091;
var limit = 100;
var window = 10;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    var parsed = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number);
    switch (args[i])
    {
        case "--port" when parsed:
            port = number;
            break;
        case "--limit" when parsed:
            limit = number;
            break;
        case "--window" when parsed:
            window = number;
            break;
        default:
            await Console.Error.WriteLineAsync(
                $"Unknown or incomplete argument '{args[i]}'. "
                + "Usage: --port 9091 --limit 100 --window 10 (window in seconds; port 0 picks a free one).");
            return 2;
    }

    i++;
}

FakeGitHubServer server;
try
{
    server = new FakeGitHubServer(
        new FakeGitHubOptions { Limit = limit, Window = TimeSpan.FromSeconds(window) });
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

await using (server)
{
    var address = await server.StartAsync(port);
    Console.WriteLine(
        $"Fake GitHub API on {address} allows {limit} requests per {window} s window; Ctrl+C stops it.");
    await server.WaitForShutdownAsync();
    Console.WriteLine($"requests={server.TotalRequests} throttled={server.Throttled429}");
}

return 0;
