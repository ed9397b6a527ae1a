using Microsoft.Extensions.Logging;
using Ratelord.Sdk.Diagnostics;

namespace Ratelord.Sdk.Internal;

/// <summary>Waits out the delay of an approval, the same way for every client.</summary>
internal static class DecisionWait
{
    /// <summary>
    /// Waits <see cref="Decision.Delay"/> on <paramref name="time"/> when the decision is an approval. When the
    /// caller cancels during the wait, the approval is reported cancelled before the cancellation is thrown, so
    /// that its reservation is released at once rather than when it lapses.
    /// </summary>
    public static async Task WaitAsync(
        IRatelordClient client,
        Decision decision,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var delay = decision.Delay;
        if (!decision.IsApproved || delay <= TimeSpan.Zero)
        {
            return;
        }

        RatelordClientLog.WaitingBeforeCall(logger, decision.IntentId, delay.TotalSeconds, decision.Reason);
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync(client, decision, logger).ConfigureAwait(false);

            throw;
        }
    }

    /// <summary>
    /// Reports an approval that was never acted on as cancelled. The caller's token is already cancelled or the
    /// call failed, so the report runs without it: the client's own timeout bounds it.
    /// </summary>
    public static async Task ReleaseAsync(IRatelordClient client, Decision decision, ILogger logger)
    {
        try
        {
            await client.ReportOutcomeAsync(
                    decision.IntentId,
                    Outcome.Of(OutcomeKind.Cancelled),
                    CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (RatelordRequestException e)
        {
            // Already settled or lapsed: nothing is held any more, which is all the release was for.
            RatelordClientLog.OutcomeRefused(logger, decision.IntentId, e.Status, e.Code);
        }
    }
}
