using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;
using Ratelord.Core.Providers;
using Ratelord.Core.Stores;
using Ratelord.Stores.Sqlite;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Core;

/// <summary>
/// The log is the truth: projections built live, command by command through the single writer, are
/// exactly those rebuilt by replaying the log into a fresh engine, for every store.
/// </summary>
public abstract class ReplayTests : IAsyncLifetime
{
    private static readonly RatelordOptions Options = new()
    {
        Workloads = new WorkloadCatalog(
        [
            new WorkloadDefinition(
                "chat",
                [new WorkloadPool("openai", "requests", 1), new WorkloadPool("openai", "tokens", null)]),
        ]),
        PolicyVersion = "test-policy",
    };

    private readonly FakeTimeProvider _time = new(EngineHarness.Epoch);
    private readonly Dictionary<string, IntentDecisionResult> _decisions = [];
    private IEventStore _store = null!;
    private CommandWriter _writer = null!;

    protected abstract ValueTask<IEventStore> CreateStoreAsync();

    /// <summary>The log as a restarted daemon would open it.</summary>
    protected abstract ValueTask<IEventStore> ReopenAsync(IEventStore store);

    public async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _writer = new CommandWriter(_store, new RatelordEngine(Options), _time, new EventFeed());
        await _writer.StartAsync(TestContext.Current.CancellationToken);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        await _store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Rebuild_FromTheLog_EqualsTheLiveProjections()
    {
        await RunScriptAsync();
        var live = await _writer.ReadAsync(ProjectionSnapshot.Of, TestContext.Current.CancellationToken);
        await _writer.DisposeAsync();
        _writer = null!;
        _store = await ReopenAsync(_store);

        var log = new List<EventEnvelope>();
        await foreach (var envelope in _store.ReadAsync(0, null, TestContext.Current.CancellationToken))
        {
            log.Add(envelope);
        }

        var rebuilt = new RatelordEngine(Options);
        rebuilt.Rebuild(log);

        Assert.Equal(live, ProjectionSnapshot.Of(rebuilt.State));

        // The daemon's own start-up path: a new writer replays the same log.
        _writer = new CommandWriter(_store, new RatelordEngine(Options), _time, new EventFeed());
        await _writer.StartAsync(TestContext.Current.CancellationToken);
        Assert.Equal(live, await _writer.ReadAsync(ProjectionSnapshot.Of, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Script_ExercisesApprovalsWaitsDenialsOutcomesExpiryAndDeletion()
    {
        await RunScriptAsync();

        Assert.Equal(Verdict.Approve, _decisions["a1"].Verdict);
        Assert.Equal(Verdict.ApproveWithModifications, _decisions["a4-wait"].Verdict);
        Assert.Equal(ReasonCodes.WaitTooLong, _decisions["a5-no-wait"].Reason);
        Assert.Equal(ReasonCodes.UnknownIdentity, _decisions["unknown"].Reason);
        Assert.Equal(Verdict.Approve, _decisions["o-probe"].Verdict);
        Assert.Equal(ReasonCodes.PoolUnobserved, _decisions["o-second"].Reason);
        Assert.Equal(ReasonCodes.ProviderThrottled, _decisions["b-throttled"].Reason);
        Assert.Equal(ReasonCodes.IdentityDeleted, _decisions["tmp-deleted"].Reason);
        Assert.Equal(Verdict.ApproveWithModifications, _decisions["chat-tokens-wait"].Verdict);

        var (expired, samples, forecasts, throttled) = await _writer.ReadAsync(state => (
            state.Intents.All.Count(i => i.Settlement?.Outcome == SettlementOutcomes.Expired),
            state.Pools.All.Sum(p => p.Samples.Count),
            state.Pools.All.Count(p => p.LastForecast is not null),
            state.Pools.All.Count(p => p.ThrottledUntil is not null)),
            TestContext.Current.CancellationToken);
        Assert.True(expired >= 2, $"The script lets approvals lapse; {expired} expired.");
        Assert.True(samples >= 1, $"The script leaves usage samples; {samples} found.");
        Assert.True(forecasts >= 3, $"The script records forecasts; {forecasts} pools have one.");
        Assert.True(throttled >= 1, "The script throttles a pool.");
    }

    private async Task RunScriptAsync()
    {
        await SendAsync(new StartSystem("test", _store.Kind));
        await RegisterAsync("pat:a", "github");
        await RegisterAsync("pat:b", "github", new SharedPool("core", "shared:acme"));
        await RegisterAsync("pat:c", "github", new SharedPool("core", "shared:acme"));
        await RegisterAsync("key:o", "anthropic");
        await RegisterAsync("key:chat", "openai");
        await RegisterAsync("pat:tmp", "github");

        await ObserveGitHubAsync("pat:a", limit: 5, remaining: 3, resetIn: 60);
        await ObserveGitHubAsync("pat:b", limit: 100, remaining: 50, resetIn: 120);
        await ObserveAsync(
            "openai",
            "key:chat",
            200,
            ("x-ratelimit-limit-requests", "100"),
            ("x-ratelimit-remaining-requests", "100"),
            ("x-ratelimit-reset-requests", "20s"),
            ("x-ratelimit-limit-tokens", "1000"),
            ("x-ratelimit-remaining-tokens", "600"),
            ("x-ratelimit-reset-tokens", "45s"));

        await SubmitAsync("a1", "pat:a");
        await SubmitAsync("a2", "pat:a");
        await SubmitAsync("a3", "pat:a", duration: 10);
        await SubmitAsync("a4-wait", "pat:a");
        await SubmitAsync("a5-no-wait", "pat:a", maxWait: 0);
        await SubmitAsync("unknown", "pat:nobody");
        await SubmitAsync("o-probe", "key:o");
        await SubmitAsync("o-second", "key:o");
        await SubmitAsync("c1", "pat:c");
        await SubmitAsync("chat-1", "key:chat", workload: "chat", cost: 500);
        await SubmitAsync("chat-tokens-wait", "key:chat", workload: "chat", cost: 300);
        await SubmitAsync("b-normal", "pat:b", urgency: Urgency.Normal);
        await SubmitAsync("b-background", "pat:b", urgency: Urgency.Background);
        await SubmitAsync("b-normal-2", "pat:b", urgency: Urgency.Normal);

        Advance(5);
        await OutcomeAsync("a1");
        await ObserveGitHubAsync("pat:a", limit: 5, remaining: 1, resetIn: 55);
        Advance(5);
        await OutcomeAsync("a2", response: GitHub(limit: 5, remaining: 0, resetIn: 50));
        await OutcomeAsync("a3", SettlementOutcomes.Cancelled);
        await OutcomeAsync(
            "o-probe",
            response: Response(
                200,
                ("x-ratelimit-limit-requests", "60"),
                ("x-ratelimit-remaining-requests", "59"),
                ("x-ratelimit-reset-requests", "1s")));
        await OutcomeAsync("chat-1", actualCost: 420);
        await OutcomeAsync("c1", SettlementOutcomes.Failed, actualCost: 1, response: GitHub(100, 49, 110));

        Advance(3);
        await ObserveGitHubAsync("pat:b", limit: 100, remaining: 45, resetIn: 107);
        Advance(4);
        await ObserveGitHubAsync("pat:b", limit: 100, remaining: 38, resetIn: 103);
        Advance(2);
        await ObserveGitHubAsync("pat:b", limit: 100, remaining: 41, resetIn: 101);
        await ObserveAsync(
            "github",
            "pat:b",
            429,
            [.. GitHubHeaders(100, 30, resetIn: 101), ("Retry-After", "10")]);
        await SubmitAsync("b-throttled", "pat:b");
        await ObserveAsync(
            "github",
            "pat:c",
            403,
            GitHubHeaders(5000, 0, resetIn: 30, resource: "search"));

        // Past pat:a's reset and past the validity of the approvals nobody settled.
        Advance(130);
        await SendAsync(new ExpireApprovals());
        await SubmitAsync("a-after-reset", "pat:a");
        await SendAsync(new DeleteIdentity("pat:tmp"));
        await SubmitAsync("tmp-deleted", "pat:tmp");
        await OutcomeAsync("a4-wait");
        await SubmitAsync("b-late", "pat:b", duration: 1);

        // The writer itself releases lapsed approvals before the next command it decides.
        Advance(120);
        await ObserveGitHubAsync("pat:a", limit: 5, remaining: 5, resetIn: 60);
        await SendAsync(
            new RegisterIdentity("pat:tmp", "pat", "github", [], new Dictionary<string, string> { ["again"] = "yes" }));
    }

    private void Advance(double seconds) => _time.Advance(TimeSpan.FromSeconds(seconds));

    private async Task<T> SendAsync<T>(RatelordCommand<T> command) =>
        await _writer.ExecuteAsync(command, TestContext.Current.CancellationToken);

    private Task<IdentityRecord> RegisterAsync(string identityId, string provider, params SharedPool[] shared) =>
        SendAsync(new RegisterIdentity(
            identityId, "pat", provider, shared, new Dictionary<string, string> { ["owner"] = "tests" }));

    /// <summary>High urgency unless told otherwise, so the capacity rule alone places the intent.</summary>
    private async Task SubmitAsync(
        string name,
        string identityId,
        string workload = "default",
        double? cost = null,
        double? maxWait = null,
        double? duration = null,
        Urgency urgency = Urgency.High)
    {
        var context = JsonDocument.Parse($$"""{"step":"{{name}}"}""").RootElement.Clone();
        _decisions[name] = await SendAsync(new SubmitIntent(
            "agent-" + name, identityId, workload, "repo:acme/web", urgency, cost, duration, maxWait, context, false));
    }

    private Task<OutcomeResult> OutcomeAsync(
        string name,
        string outcome = SettlementOutcomes.Completed,
        double? actualCost = null,
        ProviderResponse? response = null) =>
        SendAsync(new ReportOutcome(_decisions[name].IntentId, outcome, actualCost, response, "auto"));

    private Task<ObservationResult> ObserveGitHubAsync(
        string identityId,
        double limit,
        double remaining,
        double resetIn) =>
        SendAsync(new RecordObservation(
            "github", identityId, GitHub(limit, remaining, resetIn), "poller", Sentinels.GlobalScope));

    private Task<ObservationResult> ObserveAsync(
        string family,
        string identityId,
        int status,
        params (string, string)[] headers) =>
        SendAsync(new RecordObservation(
            family, identityId, Response(status, headers), "poller", Sentinels.GlobalScope));

    private ProviderResponse GitHub(double limit, double remaining, double resetIn) =>
        Response(200, GitHubHeaders(limit, remaining, resetIn));

    private (string, string)[] GitHubHeaders(double limit, double remaining, double resetIn, string resource = "core")
    {
        var now = _time.GetUtcNow();

        return [.. ProviderBodies.GitHubHeaders(now, limit, remaining, now.AddSeconds(resetIn), resource)
            .Select(h => (h[0], h[1]))];
    }

    private ProviderResponse Response(int status, params (string Name, string Value)[] headers)
    {
        var dated = headers.Any(h => h.Name.Equals("date", StringComparison.OrdinalIgnoreCase))
            ? headers
            : [("Date", ProviderBodies.HttpDate(_time.GetUtcNow())), .. headers];

        return EngineHarness.Response(status, dated);
    }
}

public sealed class InMemoryReplayTests : ReplayTests
{
    protected override ValueTask<IEventStore> CreateStoreAsync() =>
        ValueTask.FromResult<IEventStore>(new InMemoryEventStore());

    protected override ValueTask<IEventStore> ReopenAsync(IEventStore store) => ValueTask.FromResult(store);
}

public sealed class SqliteReplayTests : ReplayTests
{
    private readonly TempDirectory _directory = new();

    private string DbPath => _directory.File("replay.db");

    protected override async ValueTask<IEventStore> CreateStoreAsync() =>
        await SqliteEventStore.OpenAsync(DbPath, cancellationToken: TestContext.Current.CancellationToken);

    protected override async ValueTask<IEventStore> ReopenAsync(IEventStore store)
    {
        await store.DisposeAsync();

        return await SqliteEventStore.OpenAsync(DbPath, cancellationToken: TestContext.Current.CancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
