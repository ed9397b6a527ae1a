using Ratelord.Tests.Cli;
using Ratelord.Tests.Infrastructure;
using Ratelord.Tests.Pollers;

namespace Ratelord.Tests.Metrics;

/// <summary><c>/metrics</c> as Prometheus scrapes it from a running daemon.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Metrics_ParseAsPrometheusText_AndCarryPoolsDecisionsLatencyEventsBatchesAndPollErrors()
    {
        var credential = PollingSetup.Credential("metrics");
        await using var broken = await LoopbackProvider.StartAsync(_ => new Answer(
            503, [("Date", ProviderAnswers.HttpDate(DateTimeOffset.UtcNow))], """{"message":"Service Unavailable"}"""));
        var providers = PollingSetup.ProvidersFile(
            _directory,
            $"""
            id: broken-github
            kind: github
            base_url: {broken.BaseAddress}
            identity_id: pat:polled
            credential_env: {credential.Variable}
            interval: 200ms
            """);
        await using var daemon = await PollingDaemon.StartAsync(_directory.File("ratelord.db"), providers);
        await SeededDaemon.Seed(daemon.Http);

        var families = await Poll.ForAsync(
            async () => PrometheusText.Parse(await ScrapeAsync(daemon.Http)),
            f => f.TryGetValue("ratelord_provider_poll_errors_total", out var errors) && errors.Samples.Count > 0,
            "a failed poll is counted");

        var limit = Single(families, "ratelord_pool_limit", "gauge", ("pool", "core"), ("owner", "pat:ci-bot"));
        Assert.Equal(5000, limit.Value);
        Assert.Equal(0, Single(families, "ratelord_pool_remaining", "gauge", ("owner", "pat:crawler")).Value);
        Assert.Equal(
            3,
            Single(families, "ratelord_pool_reserved", "gauge", ("pool", "core"), ("owner", "pat:ci-bot")).Value);
        Assert.Equal(0, Single(families, "ratelord_pool_tte_p50_seconds", "gauge", ("owner", "pat:crawler")).Value);
        Assert.True(Single(
            families,
            "ratelord_pool_tte_p99_seconds",
            "gauge",
            ("pool", "core"),
            ("owner", "pat:ci-bot")).Value > 0);
        var exhaustion = Single(families, "ratelord_pool_p_exhaustion", "gauge", ("owner", "pat:crawler")).Value;
        Assert.InRange(exhaustion, 0, 1);

        Assert.Equal(
            3,
            Single(families, "ratelord_decisions_total", "counter", ("verdict", "approve"), ("reason", "none")).Value);
        Assert.Equal(
            1,
            families["ratelord_decisions_total"].Samples
                .Where(s => s.Labels["verdict"] == "deny_with_reason")
                .Sum(s => s.Value));

        var latency = Family(families, "ratelord_decision_latency_seconds", "histogram");
        Assert.Equal(4, latency.Samples.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value);
        Assert.Equal(4, latency.Samples.Single(s => s.Labels.GetValueOrDefault("le") == "+Inf").Value);

        Assert.Equal(
            4,
            Single(families, "ratelord_events_appended_total", "counter", ("type", "intent_decided")).Value);
        var batches = Family(families, "ratelord_commit_batch_size", "histogram");
        Assert.True(batches.Samples.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value >= 8);

        var errors = Single(
            families,
            "ratelord_provider_poll_errors_total",
            "counter",
            ("provider_id", "broken-github"),
            ("kind", "5xx"));
        Assert.True(errors.Value >= 1);
    }

    [Fact]
    public async Task Metrics_AreServedAsPrometheusTextFormat()
    {
        await using var daemon = await InProcessDaemon.StartAsync(_directory.File("ratelord.db"));

        using var response = await daemon.Http.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
        var families = PrometheusText.Parse(
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("counter", families["ratelord_events_appended_total"].Type);
    }

    public void Dispose() => _directory.Dispose();

    private static async Task<string> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics answered {(int)response.StatusCode}");

        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private static Family Family(Dictionary<string, Family> families, string name, string type)
    {
        Assert.True(families.TryGetValue(name, out var family), $"/metrics has no family {name}");
        Assert.Equal(type, family.Type);
        Assert.False(string.IsNullOrWhiteSpace(family.Help), $"{name} says what it measures");

        return family;
    }

    private static Sample Single(
        Dictionary<string, Family> families,
        string name,
        string type,
        params (string Name, string Value)[] labels) =>
        Assert.Single(
            Family(families, name, type).Samples,
            s => labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value));
}
