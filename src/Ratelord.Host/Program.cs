using Ratelord.Host;
using Ratelord.Host.Configuration;
using Ratelord.Core.Policies;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(DaemonSettings.Usage);

    return 0;
}

DaemonSettings settings;
try
{
    settings = DaemonSettings.Load(args, Environment.GetEnvironmentVariable);
}
catch (SettingsException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);

    return 2;
}

try
{
    await using var app = await DaemonApp.StartAsync(settings);

    // A line on standard output names the bound address, so scripts that ask for port 0 learn the port.
    Console.WriteLine($"ratelord-d listening on {string.Join(' ', app.Urls)}");
    await app.WaitForShutdownAsync();

    return 0;
}
catch (Exception exception) when (exception is PolicyException or InvalidOperationException or IOException)
{
    await Console.Error.WriteLineAsync($"ratelord-d cannot start: {exception.Message}");

    return 2;
}
