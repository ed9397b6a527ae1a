using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Ratelord.Sdk;
using Ratelord.Sdk.Embedded;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Sdk;

/// <summary>
/// The embedded engine and the daemon are the same Ratelord: one sequence of intents and provider answers, given to
/// each through the same <see cref="IRatelordClient"/>, gets the same verdicts for the same reasons.
/// </summary>
public sealed class EmbeddedParityTests : IDisposable
{
    private static readonly DateTimeOffset FixedNow = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task EmbeddedAndDaemon_ReachTheSameDecisions_OnTheSameSequence()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var daemon = await InProcessDaemon.StartAsync(_directory.File("ratelord.db"));
        var overHttp = new RatelordClient(_http, new RatelordClientOptions { BaseAddress = daemon.BaseAddress });
        await using var embedded = new EmbeddedRatelordClient(
            new RatelordEmbeddedOptions { TimeProvider = new FakeTimeProvider(FixedNow) });

        var fromDaemon = await RunAsync(overHttp, TimeProvider.System, ct);
        var fromEmbedded = await RunAsync(embedded, new FakeTimeProvider(FixedNow), ct);

        foreach (var step in fromDaemon)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{step.What}: {step.Verdict} ({step.Reason})");
        }

        Assert.True(fromDaemon.Count >= 10, "the sequence must decide enough intents to mean something");
        Assert.Equal(fromDaemon, fromEmbedded);
        Assert.Contains(fromDaemon, step => step.Verdict == Verdict.Approve);
        Assert.Contains(fromDaemon, step => step.Verdict == Verdict.DenyWithReason);
        Assert.Contains(fromDaemon, step => step.Verdict == Verdict.ApproveWithModifications);
    }

    /// <summary>
    /// The sequence: an unobserved pool probed once, a reading that leaves three calls, those calls, a pool run
    /// dry before a far reset (a deferral, and a deny for an agent that cannot wait), a cost no window holds, an
    /// unknown identity, and a provider's 429 with a retry time. Each reading is stamped with the clock of the side
    /// that reads it, so each sees the same pool at its own time.
    /// </summary>
    private static async Task<List<Step>> RunAsync(IRatelordClient client, TimeProvider clock, CancellationToken ct)
    {
        var steps = new List<Step>();
        var read = new Intent("parity-01", "pat:parity", "repo_read", "repo:acme/web");

        Assert.True(await client.RegisterIdentityAsync(new IdentityRegistration("pat:parity", "pat", "github"), ct));
        Assert.False(await client.RegisterIdentityAsync(new IdentityRegistration("pat:parity", "pat", "github"), ct));

        var probe = await Step("probe of an unobserved pool", read);
        await Step("second ask while the probe is out", read);
        await client.ReportOutcomeAsync(probe.IntentId, GitHub(clock, remaining: 3, resetIn: 3600), ct);

        var approvals = new List<Decision>();
        for (var i = 1; i <= 3; i++)
        {
            approvals.Add(await Step($"call {i} of the three left", read));
        }

        await Step("a call past the limit, with an hour to the reset", read);
        await Step("the same, from an agent that cannot wait", read with { MaxWait = TimeSpan.Zero });
        await Step("a cost larger than the pool", read with { ExpectedCost = 50 });
        await Step("an identity that is not registered", read with { IdentityId = "pat:nobody" });

        foreach (var approval in approvals.Where(a => a.IsApproved))
        {
            await client.ReportOutcomeAsync(approval.IntentId, GitHub(clock, remaining: 0, resetIn: 3600), ct);
        }

        var other = new Intent("parity-02", "pat:other", "repo_read", "global");
        Assert.True(await client.RegisterIdentityAsync(new IdentityRegistration("pat:other", "pat", "github"), ct));
        var otherProbe = await Step("probe of a second identity's pool", other);
        await client.ReportOutcomeAsync(otherProbe.IntentId, Throttled(clock, retryAfter: 30), ct);
        await Step("a call after the provider throttled that pool", other);
        await Step("a background call after the throttle", other with { Urgency = Urgency.Background });

        return steps;

        async Task<Decision> Step(string what, Intent intent)
        {
            var decision = await client.NegotiateAsync(intent, ct);
            steps.Add(new Step(what, decision.Verdict, decision.Reason));

            return decision;
        }
    }

    private static Outcome GitHub(TimeProvider clock, int remaining, int resetIn)
    {
        var now = clock.GetUtcNow();

        return Outcome.FromStatus(200, Headers(now, remaining, now.AddSeconds(resetIn)), provider: "github");
    }

    private static Outcome Throttled(TimeProvider clock, int retryAfter)
    {
        var now = clock.GetUtcNow();
        var headers = Headers(now, 0, now.AddSeconds(retryAfter));
        headers.Add(new("retry-after", retryAfter.ToString(CultureInfo.InvariantCulture)));

        return Outcome.FromStatus(429, headers, provider: "github");
    }

    private static List<KeyValuePair<string, string>> Headers(
        DateTimeOffset now,
        int remaining,
        DateTimeOffset reset) =>
    [
        new("date", now.ToString("R", CultureInfo.InvariantCulture)),
        new("x-ratelimit-limit", "5"),
        new("x-ratelimit-remaining", remaining.ToString(CultureInfo.InvariantCulture)),
        new("x-ratelimit-used", (5 - remaining).ToString(CultureInfo.InvariantCulture)),
        new("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        new("x-ratelimit-resource", "core"),
    ];

    private sealed record Step(string What, Verdict Verdict, string? Reason);
}
