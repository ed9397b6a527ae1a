using Ratelord.Core.Commands;
using Ratelord.Core.Deciders;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;
using Ratelord.Core.Providers;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Pollers;

/// <summary>What a poll's outcome records, decided by the engine on a fake clock.</summary>
public sealed class ProviderDeciderTests
{
    private const string Id = "github-ci";

    private readonly EngineHarness _engine = new();

    public ProviderDeciderTests()
    {
        _engine.Execute(new StartSystem("test", "memory"));
        _engine.Execute(Configure());
    }

    [Fact]
    public void SuccessfulPoll_RecordsThePools_DatedByTheAnswer_AndSchedulesTheNextAfterTheInterval()
    {
        var answered = _engine.Now.AddMinutes(-3);
        var response = EngineHarness.Response(
            200,
            ("Date", ProviderBodies.HttpDate(answered)),
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-remaining", "4000"),
            ("x-ratelimit-reset", ProviderBodies.Number(answered.AddSeconds(600).ToUnixTimeSeconds())),
            ("x-ratelimit-resource", "core"));
        var before = _engine.Log.Count;

        var result = Poll(response);

        var events = _engine.Log.Skip(before).ToList();
        Assert.Equal([ProviderObserved.Name, ProviderPollObserved.Name], events.Select(e => e.Type).Take(2));
        Assert.All(events.Take(2), e => Assert.Equal(answered, e.EventTime));
        Assert.Null(result.ErrorKind);
        Assert.Equal(_engine.Now.AddSeconds(60), result.NextPollAt);
        Assert.Equal([new PoolKey("github", "core", "pat:ci")], result.UpdatedPools);
        Assert.Equal(4000, _engine.Pool("pat:ci").Remaining);
        Assert.Equal(_engine.Now.AddSeconds(600), _engine.Pool("pat:ci").ResetAt);
        var provider = _engine.State.Providers.Find(Id)!;
        Assert.Equal(ProviderHealthStatus.Ok, provider.HealthAt(_engine.Now).Status);
        Assert.Equal([new PoolKey("github", "core", "pat:ci")], provider.Pools);
    }

    [Theory]
    [InlineData(401, "", ProviderErrorKinds.Auth)]
    [InlineData(403, """{"message":"Resource not accessible by integration"}""", ProviderErrorKinds.Auth)]
    [InlineData(500, "", ProviderErrorKinds.ServerError)]
    [InlineData(503, """{"message":"Service unavailable"}""", ProviderErrorKinds.ServerError)]
    [InlineData(404, """{"message":"Not Found"}""", ProviderErrorKinds.UnexpectedStatus)]
    [InlineData(301, "", ProviderErrorKinds.UnexpectedStatus)]
    [InlineData(429, "", ProviderErrorKinds.RateLimited)]
    [InlineData(403, """{"message":"You have exceeded a secondary rate limit."}""", ProviderErrorKinds.RateLimited)]
    [InlineData(200, """{"unexpected":"shape"}""", ProviderErrorKinds.Parse)]
    public void FailedPoll_IsRecordedWithItsKind(int status, string body, string kind)
    {
        var response = EngineHarness.Response(status, ("Date", ProviderBodies.HttpDate(_engine.Now)));
        if (body.Length > 0)
        {
            response = response with { Body = System.Text.Json.JsonDocument.Parse(body).RootElement.Clone() };
        }

        var result = Poll(response);

        Assert.Equal(kind, result.ErrorKind);
        var error = Assert.IsType<ProviderError>(Assert.Single(_engine.Log, e => e.Payload is ProviderError).Payload);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(status, error.Status);
        Assert.Equal(1, error.ConsecutiveFailures);
        Assert.Equal(kind, _engine.State.Providers.Find(Id)!.LastError!.Kind);
    }

    [Fact]
    public void UnreadableRemaining_IsAParseError_NotASuccess()
    {
        var response = EngineHarness.Response(
            200,
            ("Date", ProviderBodies.HttpDate(_engine.Now)),
            ("x-ratelimit-remaining", "lots"),
            ("x-ratelimit-resource", "core"));

        Assert.Equal(ProviderErrorKinds.Parse, Poll(response).ErrorKind);
    }

    [Theory]
    [InlineData(ProviderErrorKinds.Timeout)]
    [InlineData(ProviderErrorKinds.Unreachable)]
    [InlineData(ProviderErrorKinds.Auth)]
    public void PollWithoutAnAnswer_IsRecordedWithTheKindThePollerGave(string kind)
    {
        var result = _engine.Execute(new RecordProviderPoll(Id, null, kind, "what happened", 0.5, 0));

        Assert.Equal(kind, result.ErrorKind);
        var error = Assert.IsType<ProviderError>(Assert.Single(_engine.Log, e => e.Payload is ProviderError).Payload);
        Assert.Equal("what happened", error.Message);
        Assert.Null(error.Status);
        Assert.Empty(error.Pools);
    }

    [Fact]
    public void ErrorMessage_KeepsTheProvidersOwnWords_Shortened()
    {
        var response = EngineHarness.Response(401) with
        {
            Body = System.Text.Json.JsonSerializer.SerializeToElement(
                new { error = new { message = new string('x', 500) } }),
        };

        var result = Poll(response);

        Assert.StartsWith(
            "the provider refused the credential (status 401): xxx",
            result.ErrorMessage,
            StringComparison.Ordinal);
        Assert.True(result.ErrorMessage!.Length < 300);
    }

    [Fact]
    public void FailuresInARow_BackOff_WithJitter_UpToTheMaximum()
    {
        var waits = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            var failed = new RecordProviderPoll(Id, null, ProviderErrorKinds.Unreachable, "refused", 0, 1);
            var result = _engine.Execute(failed);
            waits.Add((result.NextPollAt - _engine.Now).TotalSeconds);
        }

        Assert.Equal([120, 240, 300, 300, 300, 300], waits);
        var configured = _engine.State.Providers.Find(Id)!.Configuration;
        Assert.Equal(60, ProviderDecider.Backoff(configured, 1, 0, null));
        Assert.Equal(90, ProviderDecider.Backoff(configured, 1, 0.5, null));
        Assert.Equal(1000, ProviderDecider.Backoff(configured, 1, 0.5, 1000));
        Assert.Equal(6, _engine.State.Providers.Find(Id)!.ConsecutiveFailures);
    }

    [Fact]
    public void ASuccess_EndsTheBackoff()
    {
        _engine.Execute(new RecordProviderPoll(Id, null, ProviderErrorKinds.Timeout, "slow", 10, 0));
        var result = Poll(_engine.GitHubResponse(5000, 4999, TimeSpan.FromMinutes(30)));

        Assert.Equal(_engine.Now.AddSeconds(60), result.NextPollAt);
        Assert.Equal(0, _engine.State.Providers.Find(Id)!.ConsecutiveFailures);
    }

    [Fact]
    public void Health_TurnsDegraded_ThenStale_ThenUnknown_WhilePollsFail_AndThePoolKeepsItsState()
    {
        Poll(_engine.GitHubResponse(5000, 4999, TimeSpan.FromHours(1)));
        var provider = _engine.State.Providers.Find(Id)!;
        var pool = _engine.Pool("pat:ci");

        _engine.Advance(TimeSpan.FromSeconds(30));
        _engine.Execute(new RecordProviderPoll(Id, null, ProviderErrorKinds.Unreachable, "connection refused", 0, 0));
        var degraded = provider.HealthAt(_engine.Now);
        _engine.Advance(TimeSpan.FromSeconds(100));
        var stale = provider.HealthAt(_engine.Now);
        var staleFreshness = _engine.State.Providers.FreshnessOf(pool, _engine.Now);
        _engine.Advance(TimeSpan.FromSeconds(200));
        var unknown = provider.HealthAt(_engine.Now);
        var unknownFreshness = _engine.State.Providers.FreshnessOf(pool, _engine.Now);

        Assert.Equal(ProviderHealthStatus.Degraded, degraded.Status);
        Assert.Contains("unreachable: connection refused", degraded.Reason, StringComparison.Ordinal);
        Assert.Equal(ProviderHealthStatus.Stale, stale.Status);
        Assert.Contains("past stale_after (120s)", stale.Reason, StringComparison.Ordinal);
        Assert.Equal(new PoolFreshness(Id, true, false, staleFreshness!.Value.Reason), staleFreshness);
        Assert.StartsWith("stale: last reading 130s ago", staleFreshness.Value.Reason, StringComparison.Ordinal);
        Assert.Equal(ProviderHealthStatus.Unknown, unknown.Status);
        Assert.True(unknownFreshness is { Stale: true, Unknown: true });
        Assert.Contains(
            "past unknown_after (300s) of provider github-ci",
            unknownFreshness.Value.Reason,
            StringComparison.Ordinal);
        Assert.Equal(4999, pool.ViewAt(_engine.Now).Remaining);
    }

    [Fact]
    public void Provider_NotPolledYet_IsPending_AndAPoolNoPollerFeeds_HasNoFreshness()
    {
        _engine.Register("pat:other");
        _engine.ObserveGitHub("pat:other", 5000, 10, TimeSpan.FromHours(1));
        _engine.Advance(TimeSpan.FromHours(2));

        Assert.Equal(ProviderHealthStatus.Pending, _engine.State.Providers.Find(Id)!.HealthAt(_engine.Now).Status);
        Assert.Null(_engine.State.Providers.FreshnessOf(_engine.Pool("pat:other"), _engine.Now));
    }

    [Fact]
    public void Restart_RetiresTheEarlierConfiguration_UntilItIsConfiguredAgain()
    {
        Poll(_engine.GitHubResponse(5000, 4999, TimeSpan.FromHours(1)));

        _engine.Execute(new StartSystem("test", "memory"));
        var retired = _engine.State.Providers.Find(Id)!;
        var active = retired.Active || _engine.State.Providers.Active.Any();
        var rejected = Assert.Throws<CommandRejectedException>(
            () => Poll(_engine.GitHubResponse(1, 1, TimeSpan.FromHours(1))));
        _engine.Execute(Configure() with { IntervalSeconds = 5 });

        Assert.False(active);
        Assert.Equal("provider_not_configured", rejected.Code);
        Assert.True(_engine.State.Providers.Find(Id)!.Active);
        Assert.Equal(5, _engine.State.Providers.Find(Id)!.Configuration.IntervalSeconds);
        Assert.Equal(1, _engine.State.Providers.Find(Id)!.Polls);
    }

    [Fact]
    public void Replay_RebuildsTheSameProviders()
    {
        Poll(_engine.GitHubResponse(5000, 4999, TimeSpan.FromHours(1)));
        _engine.Advance(TimeSpan.FromSeconds(61));
        _engine.Execute(new RecordProviderPoll(Id, null, ProviderErrorKinds.Timeout, "slow", 10, 0.3));

        var replayed = new RatelordEngine(new RatelordOptions());
        replayed.Rebuild(_engine.Log);

        var live = _engine.State.Providers.Find(Id)!;
        var rebuilt = replayed.State.Providers.Find(Id)!;
        Assert.Equal(live.Configuration, rebuilt.Configuration);
        Assert.Equal(
            (live.LastSuccessAt, live.LastErrorAt, live.LastError, live.NextPollAt, live.Polls, live.Errors),
            (rebuilt.LastSuccessAt, rebuilt.LastErrorAt, rebuilt.LastError, rebuilt.NextPollAt, rebuilt.Polls,
                rebuilt.Errors));
        Assert.Equal(live.HealthAt(_engine.Now), rebuilt.HealthAt(_engine.Now));
    }

    private static ConfigureProvider Configure() => new(
        Id,
        "github",
        "github",
        "pat:ci",
        "GET https://api.github.com/rate_limit",
        60,
        300,
        120,
        300,
        "GITHUB_TOKEN");

    private ProviderPollResult Poll(ProviderResponse response) =>
        _engine.Execute(new RecordProviderPoll(Id, response, null, null, 0.1, 0));
}
