using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Ratelord.Core.Commands;
using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Policies;
using Ratelord.Core.Providers;

namespace Ratelord.Tests.Policies;

/// <summary>The engine with a fake clock and a policy, driven one command at a time.</summary>
internal sealed class EngineHarness
{
    public EngineHarness(string? policyYaml = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        Policy = policyYaml is null ? PolicySet.BuiltIn : PolicyParser.Parse(policyYaml, "test-policy.yaml");
        Engine = new RatelordEngine(new RatelordOptions { Policy = Policy });
    }

    public FakeTimeProvider Time { get; }

    public PolicySet Policy { get; }

    public RatelordEngine Engine { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public T Run<T>(RatelordCommand<T> command) => (T)Engine.Execute(command, Now).Result!;

    public void Register(string identityId, string provider = "github") =>
        Run(new RegisterIdentity(identityId, "pat", provider, [], new Dictionary<string, string>()));

    /// <summary>A GitHub response for the identity's core pool, stamped with the fake clock.</summary>
    public ObservationResult ObserveGitHub(
        string identityId,
        int limit,
        int remaining,
        int resetInSeconds,
        string resource = "core")
    {
        var now = Now;
        var reset = now.ToUnixTimeSeconds() + resetInSeconds;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("date", now.ToString("R", CultureInfo.InvariantCulture)),
            new("x-ratelimit-limit", limit.ToString(CultureInfo.InvariantCulture)),
            new("x-ratelimit-remaining", remaining.ToString(CultureInfo.InvariantCulture)),
            new("x-ratelimit-used", (limit - remaining).ToString(CultureInfo.InvariantCulture)),
            new("x-ratelimit-reset", reset.ToString(CultureInfo.InvariantCulture)),
            new("x-ratelimit-resource", resource),
        };

        return Run(new RecordObservation(
            "github",
            identityId,
            new ProviderResponse(200, headers, null),
            "observer",
            "global"));
    }

    public IntentDecisionResult Ask(
        string agentId,
        string identityId,
        Urgency urgency = Urgency.Normal,
        string workload = "repo_scan",
        string scope = "repo:acme/web",
        double? cost = null,
        bool debug = false) =>
        Run(new SubmitIntent(agentId, identityId, workload, scope, urgency, cost, null, null, null, debug));
}
