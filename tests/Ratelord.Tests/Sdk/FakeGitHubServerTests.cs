using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Ratelord.Samples.FakeProvider;

namespace Ratelord.Tests.Sdk;

public sealed class FakeGitHubServerTests : IDisposable
{
    /// <summary>A window boundary: 1796299200 is a multiple of 10.</summary>
    private const long WindowStart = 1_796_299_200;

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(WindowStart + 1));
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Request101_InOneWindow_Gets429_WithGitHubsHeaders()
    {
        await using var server = new FakeGitHubServer(new FakeGitHubOptions { Limit = 100 }, _time);
        var address = await server.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var repo = new Uri(address, "repos/acme/web");

        using var first = await _http.GetAsync(repo, TestContext.Current.CancellationToken);
        for (var i = 2; i <= 100; i++)
        {
            using var allowed = await _http.GetAsync(repo, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var throttled = await _http.GetAsync(repo, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var names = first.Headers.Select(h => h.Key).ToList();
        string[] gitHubNames =
        [
            "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used", "x-ratelimit-reset",
            "x-ratelimit-resource",
        ];
        Assert.All(gitHubNames, name => Assert.Contains(name, names));
        Assert.Equal("100", Header(first, "x-ratelimit-limit"));
        Assert.Equal("99", Header(first, "x-ratelimit-remaining"));
        Assert.Equal("1", Header(first, "x-ratelimit-used"));
        Assert.Equal((WindowStart + 10).ToString(CultureInfo.InvariantCulture), Header(first, "x-ratelimit-reset"));
        Assert.Equal("core", Header(first, "x-ratelimit-resource"));
        Assert.Equal(_time.GetUtcNow(), first.Headers.Date);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("0", Header(throttled, "x-ratelimit-remaining"));
        Assert.Equal("100", Header(throttled, "x-ratelimit-used"));
        Assert.Equal(TimeSpan.FromSeconds(9), throttled.Headers.RetryAfter?.Delta);
        Assert.Equal(101, server.TotalRequests);
        Assert.Equal(1, server.Throttled429);
    }

    [Fact]
    public async Task NextWindow_AnswersAgain_WithAFreshCount()
    {
        await using var server = new FakeGitHubServer(new FakeGitHubOptions { Limit = 2 }, _time);
        var address = await server.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        for (var i = 0; i < 3; i++)
        {
            using var _ = await _http.GetAsync(address, TestContext.Current.CancellationToken);
        }

        _time.Advance(TimeSpan.FromSeconds(9));
        using var next = await _http.GetAsync(
            new Uri(address, "repos/acme/web"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("1", Header(next, "x-ratelimit-remaining"));
        Assert.Equal((WindowStart + 20).ToString(CultureInfo.InvariantCulture), Header(next, "x-ratelimit-reset"));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(WindowStart + 10), next.Headers.Date);
        Assert.Equal(1, server.Throttled429);
    }

    [Fact]
    public async Task ConcurrentRequests_NeverGetMoreThanTheLimit()
    {
        await using var server = new FakeGitHubServer(new FakeGitHubOptions { Limit = 50 }, _time);
        var address = await server.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await _http.GetAsync(address, TestContext.Current.CancellationToken);

            return response.StatusCode;
        }));

        Assert.Equal(50, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(150, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(150, server.Throttled429);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(100, 0)]
    [InlineData(100, 1.5)]
    public void Options_ThatCannotWork_AreRefused(int limit, double windowSeconds)
    {
        var options = new FakeGitHubOptions { Limit = limit, Window = TimeSpan.FromSeconds(windowSeconds) };

        Assert.Throws<ArgumentException>(() => new FakeGitHubServer(options));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
