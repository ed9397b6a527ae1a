namespace Ratelord.Core.Forecasting;

/// <summary>
/// One piece of evidence about consumption: <see cref="Amount"/> units were consumed over the
/// interval ending at <see cref="At"/> that lasted <see cref="Seconds"/>.
/// </summary>
/// <param name="At">End of the interval, on the provider's clock (the time axis of a pool's evidence).</param>
/// <param name="Amount">Units consumed in the interval, from every source Ratelord sees.</param>
/// <param name="Seconds">Length of the interval; always positive.</param>
/// <param name="Censored">
/// True when the pool was empty during the interval, so the amount is what the pool allowed, not what
/// was wanted: models skip such samples instead of learning a burn rate of zero.
/// </param>
public readonly record struct UsageSample(DateTimeOffset At, double Amount, double Seconds, bool Censored = false);
