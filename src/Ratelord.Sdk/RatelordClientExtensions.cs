using Microsoft.Extensions.Logging;

namespace Ratelord.Sdk;

/// <summary>The guard for code that is not an HTTP call: ask, act, and report on dispose.</summary>
public static class RatelordClientExtensions
{
    /// <summary>
    /// Asks about an intent, waits out any wait or deferral, and returns a lease for the call. Disposing the lease
    /// reports the call's outcome, completed unless set otherwise with <see cref="RatelordLease.Complete"/>,
    /// <see cref="RatelordLease.Fail"/>, <see cref="RatelordLease.Cancel"/> or <see cref="RatelordLease.SetOutcome"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// await using var lease = await ratelord.AcquireAsync(intent with { ExpectedCost = estimate });
    /// var answer = await CallTheModelAsync(lease.IdentityId);
    /// lease.Complete(actualCost: answer.TotalTokens);
    /// </code>
    /// </example>
    /// <param name="client">The client of the daemon, or the embedded one.</param>
    /// <param name="intent">What the agent means to do.</param>
    /// <param name="cancellationToken">
    /// Cancels the question and the wait; a wait cancelled releases the approval at once.
    /// </param>
    /// <returns>An acquired lease; use <see cref="RatelordLease.IdentityId"/> as the credential to call with.</returns>
    /// <exception cref="RatelordDeniedException">
    /// The intent was denied, by the daemon or by the failure mode while the daemon is away; it carries the reason
    /// and the retry time.
    /// </exception>
    /// <exception cref="RatelordRequestException">The intent was refused as malformed.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public static async Task<RatelordLease> AcquireAsync(
        this IRatelordClient client,
        Intent intent,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(intent);

        var decision = await client.AskAsync(intent, cancellationToken).ConfigureAwait(false);
        if (!decision.IsApproved)
        {
            throw new RatelordDeniedException(decision, intent);
        }

        return new RatelordLease(client, intent, decision, LoggerOf(client));
    }

    /// <summary>The client's own logger, so that a lease logs where its client does.</summary>
    internal static ILogger? LoggerOf(IRatelordClient client) => (client as ILoggingRatelordClient)?.Logger;
}

/// <summary>A client that lends its logger to the leases and limiters built on it.</summary>
internal interface ILoggingRatelordClient
{
    ILogger Logger { get; }
}
