using System.Globalization;
using System.Text.Json;
using Ratelord.Core.Providers;

namespace Ratelord.Scenarios.Simulation;

/// <summary>A span of virtual time during which the provider fails every call.</summary>
public readonly record struct Outage(DateTimeOffset From, DateTimeOffset Until)
{
    public bool Covers(DateTimeOffset at) => at >= From && at < Until;

    public bool Overlaps(DateTimeOffset from, DateTimeOffset until) => From < until && from < Until;
}

/// <summary>
/// One credential's <c>core</c> pool at a GitHub-like provider, in process: a real fixed-window limit
/// (windows aligned to multiples of their length since the Unix epoch, as GitHub's hourly ones are to
/// the hour of the first call), answered in GitHub's format on every response: <c>date</c> (whole
/// seconds, from the provider's clock), <c>x-ratelimit-limit</c>, <c>-remaining</c>, <c>-used</c>,
/// <c>-reset</c> (epoch seconds of the window's end) and <c>-resource</c>. Past the limit it answers 429
/// with <c>retry-after</c>; during an outage it answers 503 with no rate-limit headers, as a proxy in
/// front of a failing API does, and the failed call is not counted.
/// </summary>
public sealed class SimulatedGitHub
{
    private static readonly JsonElement Throttled = Json(
        """{"message":"API rate limit exceeded.","documentation_url":"https://docs.github.com/rest/rate-limit"}""");

    private static readonly JsonElement Unavailable = Json("""{"message":"Service Unavailable"}""");

    private readonly IReadOnlyList<Outage> _outages;
    private readonly long _windowTicks;
    private long _windowIndex = long.MinValue;
    private int _used;

    public SimulatedGitHub(int limit, TimeSpan window, IReadOnlyList<Outage> outages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromSeconds(1));
        Limit = limit;
        Window = window;
        _windowTicks = window.Ticks;
        _outages = outages;
    }

    public int Limit { get; }

    public TimeSpan Window { get; }

    /// <summary>The start of the window that holds <paramref name="at"/>.</summary>
    public DateTimeOffset WindowStart(DateTimeOffset at) =>
        DateTimeOffset.UnixEpoch.AddTicks(IndexOf(at) * _windowTicks);

    /// <summary>Answers one call made at <paramref name="at"/>.</summary>
    public ProviderResponse Answer(DateTimeOffset at)
    {
        var date = new KeyValuePair<string, string>("date", at.ToString("R", CultureInfo.InvariantCulture));
        if (_outages.Any(o => o.Covers(at)))
        {
            return new ProviderResponse(503, [date], Unavailable);
        }

        var index = IndexOf(at);
        if (index > _windowIndex)
        {
            _windowIndex = index;
            _used = 0;
        }

        var allowed = _used < Limit;
        if (allowed)
        {
            _used++;
        }

        var reset = DateTimeOffset.UnixEpoch.AddTicks((_windowIndex + 1) * _windowTicks);
        var headers = new List<KeyValuePair<string, string>>
        {
            date,
            new("x-ratelimit-limit", Number(Limit)),
            new("x-ratelimit-remaining", Number(Limit - _used)),
            new("x-ratelimit-used", Number(_used)),
            new("x-ratelimit-reset", Number(reset.ToUnixTimeSeconds())),
            new("x-ratelimit-resource", "core"),
        };
        if (allowed)
        {
            return new ProviderResponse(200, headers, null);
        }

        // Whole seconds, rounded up: a client that waits exactly this long lands in the next window.
        headers.Add(new("retry-after", Number(Math.Max(1, (long)Math.Ceiling((reset - at).TotalSeconds)))));

        return new ProviderResponse(429, headers, Throttled);
    }

    private long IndexOf(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / _windowTicks;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);

        return document.RootElement.Clone();
    }
}
