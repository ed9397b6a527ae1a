using Ratelord.Sdk;

namespace Ratelord.Samples.SampleAgent;

/// <summary>
/// Agents that obey the daemon: each call is asked for, waited for when the decision says so, made, and its outcome
/// reported with every header of the provider's response, so the daemon learns the pool as the provider counts it.
/// </summary>
/// <param name="ratelord">The client of the daemon.</param>
/// <param name="provider">The client of the provider's API.</param>
/// <param name="timeProvider">
/// The clock for waits after a deny and for the elapsed time; null for the system clock.
/// </param>
public sealed class SampleAgentRunner(RatelordClient ratelord, HttpClient provider, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Registers the identity, then runs the agents until every call is made.</summary>
    /// <param name="options">How many calls, by how many agents, against which API.</param>
    /// <param name="cancellationToken">Stops the agents.</param>
    /// <returns>The counts of the run.</returns>
    /// <exception cref="RatelordUnavailableException">The daemon was away when the identity was registered.</exception>
    /// <exception cref="RatelordRequestException">The daemon refused the identity or an intent.</exception>
    public async Task<SampleAgentResult> RunAsync(
        SampleAgentOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        // Already registered (a second run against the same daemon) is as good as registered now.
        await ratelord.RegisterIdentityAsync(
            new IdentityRegistration(options.IdentityId, "pat", "github"), cancellationToken);

        var counts = new Counts(options.Calls);
        var started = _time.GetTimestamp();
        var agents = Enumerable.Range(1, options.Agents)
            .Select(n => RunAgentAsync($"sample-agent-{n:00}", options, counts, cancellationToken));
        await Task.WhenAll(agents);

        return new SampleAgentResult(
            counts.Calls, counts.Ok, counts.Throttled, counts.DeniedThenRetried, _time.GetElapsedTime(started));
    }

    private async Task RunAgentAsync(string agentId, SampleAgentOptions options, Counts counts, CancellationToken ct)
    {
        var intent = new Intent(agentId, options.IdentityId, options.WorkloadId, "repo:" + options.Repository);
        var target = new Uri(options.ProviderAddress, "repos/" + options.Repository);

        while (counts.TakeCall())
        {
            var decision = await ratelord.AskAsync(intent, ct);
            while (!decision.IsApproved || IsElsewhere(decision, options))
            {
                if (decision.IsApproved)
                {
                    // Approved on another identity: this agent holds only its own credential, so the call would
                    // be counted against its own pool while the daemon charged the other. It lets the approval go
                    // and asks again (the SDK's handler, without a credential provider, fails such a call).
                    await ratelord.ReportOutcomeAsync(decision.IntentId, Outcome.Of(OutcomeKind.Cancelled), ct);
                }

                counts.Denied();
                await Task.Delay(decision.RetryAfter ?? options.DefaultRetryAfter, _time, ct);
                decision = await ratelord.AskAsync(intent, ct);
            }

            // AskAsync has already waited out any wait or deferral: an approval here means call now.
            using var response = await provider.GetAsync(target, ct);
            counts.Answered(response);
            await ratelord.ReportOutcomeAsync(decision.IntentId, Outcome.FromResponse(response), ct);
        }
    }

    private static bool IsElsewhere(Decision decision, SampleAgentOptions options) =>
        decision.IdentitySwitch is { } other && !string.Equals(other, options.IdentityId, StringComparison.Ordinal);

    /// <summary>The counts every agent adds to; the calls left are handed out one at a time.</summary>
    private sealed class Counts(int calls)
    {
        private long _left = calls;
        private long _calls;
        private long _ok;
        private long _throttled;
        private long _denied;

        public long Calls => Interlocked.Read(ref _calls);

        public long Ok => Interlocked.Read(ref _ok);

        public long Throttled => Interlocked.Read(ref _throttled);

        public long DeniedThenRetried => Interlocked.Read(ref _denied);

        public bool TakeCall() => Interlocked.Decrement(ref _left) >= 0;

        public void Denied() => Interlocked.Increment(ref _denied);

        public void Answered(HttpResponseMessage response)
        {
            Interlocked.Increment(ref _calls);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _ok);
            }
            else if ((int)response.StatusCode == 429)
            {
                Interlocked.Increment(ref _throttled);
            }
        }
    }
}
