using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ratelord.Sdk.Diagnostics;
using Ratelord.Sdk.Internal;

namespace Ratelord.Sdk.Http;

/// <summary>
/// Governs every request of an <see cref="HttpClient"/>: builds its intent, asks Ratelord, obeys the decision
/// (waits, defers, switches the credential, or fails the request with <see cref="RatelordDeniedException"/>),
/// sends the request, and reports the outcome with the response's status and every header, from which the daemon
/// reads the provider's counters.
/// </summary>
/// <remarks>
/// <para>
/// Add it with <c>services.AddHttpClient("github").AddRatelord(o =&gt; ...)</c>. Added after a resilience handler, it
/// governs each attempt of a retried request; added before, the request as a whole.
/// </para>
/// <para>
/// The caller's cancellation and the client's timeout flow through the question, the wait and the call. An approval
/// that is never acted on (cancelled during its wait, or a credential that cannot be set) is reported cancelled, so
/// its reservation is released at once; a call that was sent and failed without a response is reported failed.
/// </para>
/// </remarks>
public sealed class RatelordHandler : DelegatingHandler
{
    private readonly IRatelordClient _client;
    private readonly RatelordHandlerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>
    /// Creates the handler; set <see cref="DelegatingHandler.InnerHandler"/> when not using a factory.
    /// </summary>
    /// <param name="client">The client of the daemon, or the embedded one.</param>
    /// <param name="options">How to build each intent; validated here, every bad value listed.</param>
    /// <param name="logger">Where denies, switches and failed reports are logged; null for none.</param>
    /// <param name="timeProvider">The clock of waits; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public RatelordHandler(
        IRatelordClient client,
        RatelordHandlerOptions options,
        ILogger<RatelordHandler>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new RatelordHandlerOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(
                Microsoft.Extensions.Options.Options.DefaultName, typeof(RatelordHandlerOptions), validation.Failures);
        }

        _client = client;
        _options = options.Copy();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var intent = IntentOf(request);

        var decision = await _client.NegotiateAsync(intent, cancellationToken).ConfigureAwait(false);
        request.Options.Set(RatelordHttpRequestMessageExtensions.DecisionKey, decision);
        if (!decision.IsApproved)
        {
            RatelordClientLog.CallDenied(
                _logger,
                request.Method.Method,
                request.RequestUri,
                decision.IntentId,
                decision.Reason,
                decision.RetryAfter?.TotalSeconds);

            throw new RatelordDeniedException(decision, intent);
        }

        await DecisionWait.WaitAsync(_client, decision, _time, _logger, cancellationToken).ConfigureAwait(false);
        await ApplyCredentialAsync(request, intent, decision, cancellationToken).ConfigureAwait(false);

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (decision.IntentId != Guid.Empty)
        {
            // Sent, perhaps received: the call may have been charged, so it is a failure and not a cancellation.
            // The caller's token may be the reason, so the report goes without it.
            await ReportAsync(decision, Outcome.Of(OutcomeKind.Failed), CancellationToken.None).ConfigureAwait(false);

            throw;
        }

        try
        {
            var actualCost = await ReadActualCostAsync(response, decision, cancellationToken).ConfigureAwait(false);
            var outcome = Outcome.FromResponse(response, actualCost, _options.Provider);
            await ReportAsync(decision, outcome, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            response.Dispose();

            throw;
        }

        return response;
    }

    private Intent IntentOf(HttpRequestMessage request)
    {
        request.Options.TryGetValue(RatelordHttpRequestMessageExtensions.OptionsKey, out var own);

        return new Intent(
            own?.AgentId ?? _options.AgentId!,
            own?.IdentityId ?? _options.IdentityId!,
            own?.WorkloadId ?? _options.WorkloadId!,
            own?.ScopeId ?? _options.ScopeId)
        {
            Urgency = own?.Urgency ?? _options.Urgency,
            ExpectedCost = own?.ExpectedCost
                ?? (own?.EstimateCost is { } estimate ? estimate(request) : _options.EstimateCost?.Invoke(request)),
            MaxWait = own?.MaxWait ?? _options.MaxWait,
        };
    }

    /// <summary>
    /// Sets the credential of the identity the call is charged to. A switch that cannot be obeyed fails the call:
    /// sending it with the old credential would charge a pool the daemon did not approve.
    /// </summary>
    private async Task ApplyCredentialAsync(
        HttpRequestMessage request,
        Intent intent,
        Decision decision,
        CancellationToken cancellationToken)
    {
        var identityId = decision.IdentitySwitch ?? intent.IdentityId;
        var switched = !string.Equals(identityId, intent.IdentityId, StringComparison.Ordinal);
        if (switched)
        {
            RatelordClientLog.IdentitySwitched(
                _logger, decision.IntentId, identityId, intent.IdentityId, decision.Reason);
        }

        try
        {
            if (_options.CredentialProvider is { } credentials)
            {
                await credentials.ApplyAsync(identityId, request, cancellationToken).ConfigureAwait(false);
            }
            else if (switched)
            {
                throw new RatelordException(
                    $"Ratelord approved the call on identity '{identityId}' instead of '{intent.IdentityId}', but the "
                    + "client has no credential provider to switch with; set RatelordHandlerOptions."
                    + "CredentialProvider or register an IRatelordCredentialProvider.");
            }
        }
        catch (Exception)
        {
            RatelordClientLog.CallCancelledBeforeSend(_logger, decision.IntentId);
            await DecisionWait.ReleaseAsync(_client, decision, _logger).ConfigureAwait(false);

            throw;
        }
    }

    private async Task<double?> ReadActualCostAsync(
        HttpResponseMessage response,
        Decision decision,
        CancellationToken cancellationToken)
    {
        if (_options.ReadActualCost is not { } read)
        {
            return null;
        }

        try
        {
            // Buffered, so that reading the cost here leaves the body for the caller to read again.
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);

            return await read(response, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RatelordClientLog.ActualCostUnread(_logger, decision.IntentId, e);

            return null;
        }
    }

    private async Task ReportAsync(Decision decision, Outcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await _client.ReportOutcomeAsync(decision.IntentId, outcome, cancellationToken).ConfigureAwait(false);
        }
        catch (RatelordRequestException e)
        {
            // The call is done and its response is the caller's; a report the daemon refuses (the approval lapsed
            // during a long call) must not turn it into a failure.
            RatelordClientLog.OutcomeRefused(_logger, decision.IntentId, e.Status, e.Code);
        }
    }
}
