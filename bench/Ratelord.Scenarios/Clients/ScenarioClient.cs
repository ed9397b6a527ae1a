using System.Globalization;
using Ratelord.Core.Providers;
using Ratelord.Scenarios.Simulation;

namespace Ratelord.Scenarios.Clients;

/// <summary>
/// How agents get from wanting a call to making it. Every mode calls the same provider the same way
/// and treats a 5xx the same way (exponential backoff with jitter); they differ in what happens
/// before the call and after a 429.
/// </summary>
public abstract class ScenarioClient(ClientContext context)
{
    /// <summary>First backoff after a 5xx, doubled for each one in a row.</summary>
    public const double ServerErrorBackoffSeconds = 1;

    /// <summary>Longest backoff after 5xx answers in a row.</summary>
    public const double MaxServerErrorBackoffSeconds = 30;

    /// <summary>The wait after a 429 that names none; GitHub documents a minute.</summary>
    public const double DefaultRetryAfterSeconds = 60;

    protected ClientContext Context { get; } = context;

    protected VirtualClock Clock => Context.Clock;

    /// <summary>The agent wants to make the call of <paramref name="want"/> now.</summary>
    public abstract void Begin(Want want);

    /// <summary>
    /// Calls the provider now. The provider counts the call at once; the answer reaches the agent a
    /// round trip later, when <paramref name="onAnswer"/> runs.
    /// </summary>
    protected void Call(Want want, Action<ProviderResponse> onAnswer)
    {
        var at = Clock.Now;
        var response = Context.Provider.Answer(at);
        Context.Ledger.Record(at, want, response.Status);
        if (response.Status is >= 200 and < 300)
        {
            want.ServedAt = at;
            want.ServerErrors = 0;
        }
        else if (response.Status >= 500)
        {
            want.ServerErrors++;
        }

        Clock.After(Context.Latency(), () => onAnswer(response));
    }

    /// <summary>
    /// The wait before retrying after a 5xx: 1 s doubled per failure in a row up to 30 s, of which a
    /// random upper half is taken so agents that failed together do not retry together.
    /// </summary>
    protected double ServerErrorBackoff(Want want)
    {
        var ceiling = Math.Min(
            MaxServerErrorBackoffSeconds,
            ServerErrorBackoffSeconds * Math.Pow(2, Math.Max(0, want.ServerErrors - 1)));

        return ceiling * (0.5 + (0.5 * Context.Random.NextDouble()));
    }

    /// <summary>The <c>retry-after</c> of a 429, in seconds.</summary>
    protected static double RetryAfter(ProviderResponse response) =>
        double.TryParse(response.Header("retry-after"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
            ? s
            : DefaultRetryAfterSeconds;
}
