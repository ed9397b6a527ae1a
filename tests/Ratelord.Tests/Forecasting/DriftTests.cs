using System.Text.Json;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Forecasting;

/// <summary>
/// An outside consumer drains the provider's counter behind Ratelord's back: the next reading shows
/// less than the accounting explains, <c>drift_detected</c> lands in the log, and the P99 bound shortens.
/// </summary>
public sealed class DriftTests : IAsyncLifetime
{
    private const string Identity = "pat:drift";
    private const string PoolId = "github/core@pat:drift";
    private const string Scope = "org:acme/repo:web";

    private readonly TempDirectory _directory = new();
    private InProcessDaemon _daemon = null!;
    private DateTimeOffset _date;
    private DateTimeOffset _reset;
    private double _remaining = 5000;

    public async ValueTask InitializeAsync()
    {
        _daemon = await InProcessDaemon.StartAsync(_directory.File("drift.db"));
        await _daemon.Http.RegisterIdentityAsync(Identity);
        _date = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);
        _reset = _date.AddMinutes(55);
    }

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task HiddenConsumer_ProducesDriftAtTheNextReading_AndShortensP99()
    {
        await ReadAsync();
        for (var minute = 0; minute < 6; minute++)
        {
            await SpendThroughRatelordAsync(10);
            await ReadAsync();
        }

        var before = await ForecastAsync();
        Assert.Equal(0, before.GetProperty("drift").GetProperty("count").GetInt64());
        Assert.DoesNotContain(await EventsAsync(), e => e.Text("type") == "drift_detected");

        await SpendThroughRatelordAsync(10);
        _remaining -= 800;
        var hidden = await ReadAsync();

        var events = await EventsAsync();
        var drift = Assert.Single(events, e => e.Text("type") == "drift_detected");
        var payload = drift.GetProperty("payload");
        Assert.Equal(800, payload.GetProperty("amount").GetDouble(), 6);
        Assert.Equal("outside_consumer", payload.Text("attributed_to"));
        Assert.Equal(_remaining, payload.GetProperty("observed_remaining").GetDouble());
        Assert.Equal(_remaining + 800, payload.GetProperty("expected_remaining").GetDouble());
        Assert.Equal(PoolId, $"{drift.Text("provider")}/{drift.Text("pool")}@{drift.Text("identity_id")}");
        var observation = events.Single(e => e.GetProperty("position").GetInt64() == hidden);
        Assert.Equal("provider_observation", observation.Text("type"));
        Assert.Equal(observation.GetProperty("event_id").GetGuid(), drift.GetProperty("causation_id").GetGuid());
        Assert.Equal(observation.GetProperty("event_time").GetDateTimeOffset(),
            drift.GetProperty("event_time").GetDateTimeOffset());

        var after = await ForecastAsync();
        var p99Before = before.GetProperty("forecast").GetProperty("tte").GetProperty("p99_s").GetDouble();
        var p99After = after.GetProperty("forecast").GetProperty("tte").GetProperty("p99_s").GetDouble();
        Assert.True(p99After < p99Before,
            $"P99 TTE {p99After} s after the drain is shorter than {p99Before} s before.");
        Assert.Contains("drift",
            after.GetProperty("forecast").GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(1, after.GetProperty("drift").GetProperty("count").GetInt64());
        Assert.True(after.GetProperty("outside_share").GetDouble() > 0.5,
            "Most recent burn is the outside consumer's.");
        var share = Assert.Single(after.GetProperty("identities").EnumerateArray());
        Assert.Equal(Identity, share.Text("identity_id"));
        Assert.Equal(70, share.GetProperty("consumed").GetDouble());
        var page = await _daemon.Http.GetJsonAsync("/v1/forecasts");
        var scopes = page.GetProperty("scopes").EnumerateArray().Select(s => s.Text("scope_id")).ToList();
        Assert.Equal(["org:acme", Scope], scopes);
        Assert.All(page.GetProperty("scopes").EnumerateArray(), s => Assert.Equal(PoolId, s.Text("tightest_pool")));

        // Repeated drift keeps the bounds wide: another drain, another event, wider still.
        _remaining -= 800;
        await ReadAsync();
        var again = await ForecastAsync();
        Assert.Equal(2, (await EventsAsync()).Count(e => e.Text("type") == "drift_detected"));
        Assert.True(
            again.GetProperty("forecast").GetProperty("burn_rate").GetProperty("stddev").GetDouble()
            > after.GetProperty("forecast").GetProperty("burn_rate").GetProperty("stddev").GetDouble());
    }

    [Fact]
    public async Task ReadingsThatMatchTheAccounting_ShowNoDrift()
    {
        await ReadAsync();
        for (var minute = 0; minute < 4; minute++)
        {
            await SpendThroughRatelordAsync(15);
            await ReadAsync();
        }

        Assert.DoesNotContain(await EventsAsync(), e => e.Text("type") == "drift_detected");
    }

    /// <summary>Intents approved, spent and settled with their actual cost: Ratelord's own accounting.</summary>
    private async Task SpendThroughRatelordAsync(int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            // High urgency: a pool with little history is judged on the pessimistic prior, and would
            // otherwise be paced; this test is about the accounting, not the pacing.
            var decision = await _daemon.Http.PostForJsonAsync(
                "/v1/intent",
                new { AgentId = "agent-1", IdentityId = Identity, WorkloadId = "default", ScopeId = Scope,
                    Urgency = "high" });
            Assert.Equal("approve", decision.Text("decision"));
            await _daemon.Http.ReportOutcomeAsync(decision.Text("intent_id"), new { Outcome = "completed",
                ActualCost = 1 });
            _remaining--;
        }
    }

    /// <summary>A reading a minute after the last; returns the position of its observation.</summary>
    private async Task<long> ReadAsync()
    {
        await _daemon.Http.ObserveAsync(ProviderBodies.GitHub(Identity, _date, 5000, _remaining, _reset));
        _date = _date.AddMinutes(1);
        var events = await EventsAsync();

        return events.Last(e => e.Text("type") == "provider_observation").GetProperty("position").GetInt64();
    }

    private async Task<JsonElement> ForecastAsync()
    {
        var page = await _daemon.Http.GetJsonAsync($"/v1/forecasts?pool_id={Uri.EscapeDataString(PoolId)}");

        return page.GetProperty("pools").EnumerateArray().Single();
    }

    private Task<List<JsonElement>> EventsAsync() => _daemon.Http.ReadAllEventsAsync();
}
