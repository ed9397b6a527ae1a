using Ratelord.Sdk;

namespace Ratelord.Cli.Commands;

/// <summary>The SDK client every command talks to the daemon through.</summary>
internal static class Daemon
{
    /// <summary>How long one exchange with the daemon may take before it counts as unreachable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // One HttpClient for the process: the SDK times each exchange itself, and a followed event stream is
    // open for as long as the operator watches, so the HttpClient's own timeout is off.
    private static readonly HttpClient Http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    public static RatelordClient Connect(GlobalSettings settings) => new(
        Http,
        new RatelordClientOptions
        {
            BaseAddress = settings.DaemonUrl,
            Timeout = Timeout,
            FailureMode = FailureMode.FailClosed,
        });
}
