using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ratelord.Samples.FakeProvider;
using Ratelord.Sdk;
using Ratelord.Sdk.Embedded;
using Ratelord.Stores.Sqlite;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Sdk;

/// <summary>
/// Ratelord embedded in the process: the same answers, errors included, as the daemon's client, on a log in memory
/// or in a SQLite file, behind the same handler.
/// </summary>
public sealed class EmbeddedRatelordClientTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AMalformedIntent_IsRefused_AsTheDaemonRefusesIt()
    {
        await using var ratelord = new EmbeddedRatelordClient();

        var refused = await Assert.ThrowsAsync<RatelordRequestException>(
            () => ratelord.AskAsync(new Intent("", "pat:x", "repo_read", "global") { ExpectedCost = -1 }, Ct));

        Assert.Equal(400, refused.Status);
        Assert.Equal("validation_failed", refused.Code);
        Assert.Contains("agent_id", refused.Errors.Keys);
        Assert.Contains("expected_cost", refused.Errors.Keys);
    }

    [Fact]
    public async Task AnOutcomeForAnUnknownIntent_IsRefused_WithTheDaemonsStatusAndCode()
    {
        await using var ratelord = new EmbeddedRatelordClient();

        var refused = await Assert.ThrowsAsync<RatelordRequestException>(
            () => ratelord.ReportOutcomeAsync(Guid.CreateVersion7(), Outcome.Of(OutcomeKind.Completed), Ct));

        Assert.Equal(404, refused.Status);
        Assert.Equal("intent_not_found", refused.Code);
    }

    [Fact]
    public async Task ASqliteLog_KeepsWhatWasDecided_AcrossRestarts()
    {
        var path = _directory.File("embedded.db");
        var options = new RatelordEmbeddedOptions { TimeProvider = new FakeTimeProvider(Now) }
            .UseEventStore(ct => SqliteEventStore.OpenAsync(path, cancellationToken: ct));
        var registration = new IdentityRegistration("pat:kept", "pat", "github");

        await using (var first = new EmbeddedRatelordClient(options))
        {
            Assert.True(await first.RegisterIdentityAsync(registration, Ct));
            var probe = await first.NegotiateAsync(new Intent("a", "pat:kept", "repo_read", "global"), Ct);
            Assert.True(probe.IsApproved);
        }

        await using var second = new EmbeddedRatelordClient(options);
        var again = await second.NegotiateAsync(new Intent("a", "pat:kept", "repo_read", "global"), Ct);

        Assert.False(await second.RegisterIdentityAsync(registration, Ct));
        Assert.Equal(DecisionReasons.PoolUnobserved, again.Reason);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task InvalidOptions_AreAllReported_BeforeAnythingStarts()
    {
        var options = new RatelordEmbeddedOptions
        {
            PolicyPath = _directory.File("missing.yaml"),
            Policy = global::Ratelord.Core.Policies.PolicySet.BuiltIn,
        };

        var invalid = Assert.Throws<OptionsValidationException>(() => new EmbeddedRatelordClient(options));

        Assert.Equal(2, invalid.Failures.Count());
        Assert.Contains(invalid.Failures, f => f.Contains("missing.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddRatelordEmbedded_GovernsAnHttpClient_WithoutADaemon()
    {
        await using var provider = new FakeGitHubServer(
            new FakeGitHubOptions { Limit = 10, Window = TimeSpan.FromSeconds(1) });
        var address = await provider.StartAsync(cancellationToken: Ct);
        var services = new ServiceCollection();
        services.AddRatelordEmbedded();
        services.AddHttpClient("github", http => http.BaseAddress = address)
            .AddRatelord(o => o.IdentityId = "pat:embedded");
        await using var container = services.BuildServiceProvider();
        var ratelord = container.GetRequiredService<IRatelordClient>();
        Assert.IsType<EmbeddedRatelordClient>(ratelord);
        await ratelord.RegisterIdentityAsync(new IdentityRegistration("pat:embedded", "pat", "github"), Ct);
        var http = container.GetRequiredService<IHttpClientFactory>().CreateClient("github");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 25; i++)
        {
            using var response = await http.GetAsync("repos/acme/web", Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(0, provider.Throttled429);
    }
}
