using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Ratelord.Host;
using Ratelord.Host.Configuration;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Pollers;

/// <summary>
/// The daemon as an operator runs it with pollers: <see cref="DaemonApp"/> on real Kestrel and a real
/// SQLite file, given a providers file, reached over HTTP. Every answer it gives through
/// <see cref="GetAsync"/> is kept, so a test can scan them all.
/// </summary>
internal sealed class PollingDaemon : IAsyncDisposable
{
    private readonly List<string> _answers = [];
    private bool _stopped;

    private PollingDaemon(WebApplication app)
    {
        App = app;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    /// <summary>Every answer body received so far.</summary>
    public IReadOnlyList<string> Answers => _answers;

    public static async Task<PollingDaemon> StartAsync(string dbPath, string providersPath) =>
        new(await DaemonApp.StartAsync(
            new DaemonSettings { Port = 0, DbPath = dbPath, ProvidersPath = providersPath }));

    /// <summary>GETs a path, asserts a 200, keeps the answer and returns it as JSON.</summary>
    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        lock (_answers)
        {
            _answers.Add(text);
        }

        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);

        return document.RootElement.Clone();
    }

    /// <summary>The pool of that id in <c>GET /v1/pools</c>, or null while it is not there.</summary>
    public async Task<JsonElement?> PoolAsync(string poolId)
    {
        var pools = await GetAsync("/v1/pools");

        return pools.GetProperty("pools").EnumerateArray()
            .Where(p => p.GetProperty("pool_id").GetString() == poolId)
            .Select(p => (JsonElement?)p)
            .FirstOrDefault();
    }

    /// <summary>The provider of that id in <c>GET /v1/providers</c>.</summary>
    public async Task<JsonElement> ProviderAsync(string providerId)
    {
        var providers = await GetAsync("/v1/providers");

        return providers.GetProperty("providers").EnumerateArray()
            .Single(p => p.GetProperty("provider_id").GetString() == providerId);
    }

    /// <summary>Stops the daemon, so its database file is complete and closed.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
    }
}

/// <summary>Writes providers files and sets the environment variables their credentials are read from.</summary>
internal static class PollingSetup
{
    /// <summary>
    /// Puts a recognisable secret into a fresh environment variable of this process and returns its
    /// name and value. The name avoids the <c>RATELORD_</c> prefix, which a daemon process strips.
    /// </summary>
    public static (string Variable, string Secret) Credential(string what)
    {
        var tag = Guid.NewGuid().ToString("N");
        var variable = $"RLTEST_{what.ToUpperInvariant()}_{tag[..8]}";
        var secret = $"sk-{what}-SECRET-{tag}";
        Environment.SetEnvironmentVariable(variable, secret);

        return (variable, secret);
    }

    /// <summary>Writes a providers file of the given entries (one YAML mapping each) and returns its path.</summary>
    public static string ProvidersFile(TempDirectory directory, params string[] entries)
    {
        var text = new StringBuilder("providers:\n");
        foreach (var entry in entries)
        {
            var lines = entry.Trim().Split('\n');
            text.Append("  - ").Append(lines[0].Trim()).Append('\n');
            foreach (var line in lines.Skip(1))
            {
                text.Append("    ").Append(line.Trim()).Append('\n');
            }
        }

        var path = directory.File("providers.yaml");
        File.WriteAllText(path, text.ToString());

        return path;
    }

    /// <summary>Seconds as a providers file writes them.</summary>
    public static string Ms(double milliseconds) =>
        milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
}
