using Ratelord.Core.Providers;
using Ratelord.Scenarios.Simulation;

namespace Ratelord.Scenarios.Clients;

/// <summary>
/// A plain client-side limiter: one token bucket that every agent of the run shares (as a
/// process-wide limiter would), configured from the provider's documented limit: the limit over the
/// window per second, in a bucket that holds one second's tokens. Agents queue for a token in arrival
/// order, call when they get one, and after a 429 wait what <c>retry-after</c> says and queue again.
/// </summary>
/// <remarks>
/// <para>
/// The bucket is <see cref="VirtualTokenBucket"/>, which computes its refills from the virtual clock
/// with the semantics of <c>System.Threading.RateLimiting.TokenBucketRateLimiter</c> (token limit,
/// tokens per period, oldest first). The framework's limiter itself cannot run on virtual time: even
/// with <c>AutoReplenishment = false</c>, its <c>TryReplenish</c> adds tokens for the real time elapsed
/// on <c>Stopwatch</c>, and it takes no <see cref="TimeProvider"/>.
/// </para>
/// <para>
/// Refills fall on whole seconds, as do the provider's windows, so the bucket admits at most the limit
/// in any window: one second's tokens at the window's start and one second's more at each later refill.
/// </para>
/// </remarks>
public sealed class TokenBucketClient : ScenarioClient
{
    /// <summary>How often tokens are added.</summary>
    public static readonly TimeSpan ReplenishmentPeriod = TimeSpan.FromSeconds(1);

    private readonly VirtualTokenBucket _bucket;

    public TokenBucketClient(ClientContext context)
        : base(context)
    {
        var provider = context.Provider;
        var perPeriod = provider.Limit * ReplenishmentPeriod.TotalSeconds / provider.Window.TotalSeconds;
        if (perPeriod < 1 || perPeriod != Math.Floor(perPeriod))
        {
            throw new ArgumentException(
                $"The limit {provider.Limit} per {provider.Window.TotalSeconds} s is not a whole number of tokens per "
                + $"{ReplenishmentPeriod.TotalSeconds} s; choose a limit that divides evenly.",
                nameof(context));
        }

        _bucket = new VirtualTokenBucket(tokenLimit: (int)perPeriod, tokensPerPeriod: (int)perPeriod);
        Clock.Every(ReplenishmentPeriod, _bucket.Replenish);
    }

    public override void Begin(Want want) => Acquire(want);

    private void Acquire(Want want) => _bucket.Acquire(() => Call(want, response => Answered(want, response)));

    private void Answered(Want want, ProviderResponse response)
    {
        if (response.Status == 429)
        {
            Clock.After(RetryAfter(response), () => Acquire(want));
        }
        else if (response.Status >= 500)
        {
            Clock.After(ServerErrorBackoff(want), () => Acquire(want));
        }
    }
}
