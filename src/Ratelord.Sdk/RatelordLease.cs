using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ratelord.Sdk.Diagnostics;

namespace Ratelord.Sdk;

/// <summary>
/// The permission to make one call, and the duty to say what it did: disposing the lease reports its outcome
/// (see <see cref="SetOutcome"/>), which settles the reservation the approval made.
/// </summary>
/// <remarks>
/// <para>
/// It is a <see cref="RateLimitLease"/>, so the rate limiters hand it out too. A lease that is not acquired carries
/// <see cref="MetadataName.RetryAfter"/> and <see cref="MetadataName.ReasonPhrase"/> (the deny's reason code).
/// </para>
/// <para>
/// Prefer <c>await using</c>: <see cref="DisposeAsync"/> waits for the report. <see cref="RateLimitLease.Dispose()"/>,
/// which ASP.NET Core and Polly call, sends the report without waiting for it; a failure is logged.
/// </para>
/// </remarks>
public sealed class RatelordLease : RateLimitLease, IAsyncDisposable
{
    private static readonly string[] DeniedMetadata = [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];

    private readonly IRatelordClient _client;
    private readonly ILogger _logger;
    private Outcome _outcome;
    private int _released;

    /// <summary>
    /// Creates a lease for a decision; disposing it reports <paramref name="defaultOutcome"/> unless set.
    /// </summary>
    internal RatelordLease(
        IRatelordClient client,
        Intent intent,
        Decision decision,
        ILogger? logger,
        OutcomeKind defaultOutcome = OutcomeKind.Completed)
    {
        _client = client;
        _logger = logger ?? NullLogger.Instance;
        Intent = intent;
        Decision = decision;
        _outcome = Outcome.Of(defaultOutcome);
    }

    /// <summary>The intent the lease was asked for.</summary>
    public Intent Intent { get; }

    /// <summary>The decision behind the lease.</summary>
    public Decision Decision { get; }

    /// <summary>
    /// The identity whose credential the call must use: the one the decision switched to, else the intent's own.
    /// </summary>
    public string IdentityId => Decision.IdentitySwitch ?? Intent.IdentityId;

    /// <summary>True when the intent was approved and the call may go ahead.</summary>
    public override bool IsAcquired => Decision.IsApproved;

    /// <summary>The outcome that disposing the lease reports; <see cref="OutcomeKind.Completed"/> until set.</summary>
    public Outcome Outcome => Volatile.Read(ref _outcome);

    /// <inheritdoc />
    public override IEnumerable<string> MetadataNames => IsAcquired ? [] : DeniedMetadata;

    /// <summary>Sets the outcome that disposing the lease reports; the last one set wins.</summary>
    /// <param name="outcome">How the call ended, what it cost, and the provider's response.</param>
    public void SetOutcome(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Volatile.Write(ref _outcome, outcome);
    }

    /// <summary>Reports, on dispose, that the call succeeded and what it really cost.</summary>
    /// <param name="actualCost">The real cost, for example the tokens used; null lets the expected cost stand.</param>
    public void Complete(double? actualCost = null) => SetOutcome(Outcome.Of(OutcomeKind.Completed, actualCost));

    /// <summary>Reports, on dispose, that the call was made and failed; it may still have been charged.</summary>
    /// <param name="actualCost">What it cost anyway, when known.</param>
    public void Fail(double? actualCost = null) => SetOutcome(Outcome.Of(OutcomeKind.Failed, actualCost));

    /// <summary>Reports, on dispose, that the call was never made: the reservation is released uncharged.</summary>
    public void Cancel() => SetOutcome(Outcome.Of(OutcomeKind.Cancelled));

    /// <inheritdoc />
    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        if (IsAcquired)
        {
            return false;
        }

        if (metadataName == MetadataName.RetryAfter.Name && Decision.RetryAfter is { } retryAfter)
        {
            metadata = retryAfter;

            return true;
        }

        if (metadataName == MetadataName.ReasonPhrase.Name && Decision.Reason is { } reason)
        {
            metadata = reason;

            return true;
        }

        return false;
    }

    /// <summary>Reports the outcome, once, and waits for the report. Never throws: a failure is logged.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            await ReportAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Reports the outcome, once, without waiting for the report to arrive.</summary>
    /// <param name="disposing">True when called from <see cref="RateLimitLease.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _released, 1) == 0)
        {
            _ = ReportAsync();
        }
    }

    private async Task ReportAsync()
    {
        if (!IsAcquired)
        {
            return;
        }

        try
        {
            await _client.ReportOutcomeAsync(Decision.IntentId, Outcome, CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (RatelordRequestException e)
        {
            RatelordClientLog.OutcomeRefused(_logger, Decision.IntentId, e.Status, e.Code);
        }
        catch (Exception e) when (e is RatelordException or HttpRequestException or InvalidOperationException
            or OperationCanceledException or ArgumentException)
        {
            RatelordClientLog.LeaseOutcomeNotReported(_logger, Decision.IntentId, e);
        }
    }
}
