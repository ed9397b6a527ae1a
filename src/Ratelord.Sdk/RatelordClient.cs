using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ratelord.Sdk.Diagnostics;
using Ratelord.Sdk.Internal;
using Ratelord.Sdk.Wire;

namespace Ratelord.Sdk;

/// <summary>
/// Asks the Ratelord daemon before an agent calls an external API, and reports what the call did afterwards.
/// </summary>
/// <remarks>
/// <para>
/// The usual loop is <see cref="AskAsync"/>, then the call when the decision is approved, then
/// <see cref="ReportOutcomeAsync"/> with the provider's response so the daemon learns the pool's real counters.
/// </para>
/// <para>
/// A deny is a value, never an exception. When the daemon cannot decide (unreachable, too slow, or answering 5xx),
/// asking falls back on <see cref="RatelordClientOptions.FailureMode"/>: by default it denies with reason
/// <see cref="DecisionReasons.DaemonUnreachable"/>. A 4xx answer is the caller's mistake and throws
/// <see cref="RatelordRequestException"/>.
/// </para>
/// <para>The client holds no state between calls and is safe to share between threads and agents.</para>
/// </remarks>
public sealed partial class RatelordClient : IRatelordClient, ILoggingRatelordClient
{
    private readonly HttpClient _http;
    private readonly RatelordClientOptions _options;
    private readonly Uri _baseAddress;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates a client over an <see cref="HttpClient"/> it does not own.</summary>
    /// <param name="httpClient">The client to send with; its own base address and timeout are not used.</param>
    /// <param name="options">Where the daemon is and what to do without it; null for the defaults.</param>
    /// <param name="logger">Where warnings about an unreachable daemon go; null for none.</param>
    /// <param name="timeProvider">
    /// The clock for waits and timeouts; null for <see cref="TimeProvider.System"/>. Tests pass a fake one.
    /// </param>
    /// <exception cref="OptionsValidationException">The options are invalid; every bad value is listed.</exception>
    public RatelordClient(
        HttpClient httpClient,
        RatelordClientOptions? options = null,
        ILogger<RatelordClient>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options ??= new RatelordClientOptions();
        var validation = new RatelordClientOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(
                Options.DefaultName, typeof(RatelordClientOptions), validation.Failures);
        }

        // A copy, so that changing the caller's instance later cannot slip a value past the validation.
        _options = new RatelordClientOptions
        {
            BaseAddress = options.BaseAddress,
            Timeout = options.Timeout,
            FailureMode = options.FailureMode,
            UnreachableRetryAfter = options.UnreachableRetryAfter,
            MaxRetryAttempts = options.MaxRetryAttempts,
        };
        _baseAddress = WithTrailingSlash(options.BaseAddress);
        _http = httpClient;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The daemon's address this client sends to.</summary>
    public Uri BaseAddress => _baseAddress;

    ILogger ILoggingRatelordClient.Logger => _logger;

    /// <summary>
    /// Asks the daemon about an intent and, when the approval asks for a wait or a deferral, waits it out before
    /// returning, so that an approved decision means "call now". When the daemon cannot decide, returns the
    /// decision of the failure mode.
    /// </summary>
    /// <param name="intent">What the agent means to do.</param>
    /// <param name="cancellationToken">Cancels the question and the wait.</param>
    /// <returns>The decision; <see cref="Decision.IsApproved"/> says whether to call.</returns>
    /// <exception cref="RatelordRequestException">The daemon refused the intent as malformed.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<Decision> AskAsync(Intent intent, CancellationToken cancellationToken = default)
    {
        var decision = await NegotiateAsync(intent, cancellationToken);
        await DecisionWait.WaitAsync(this, decision, _time, _logger, cancellationToken);

        return decision;
    }

    /// <summary>
    /// Asks the daemon about an intent and returns its decision at once, without waiting: the caller must honour
    /// <see cref="Decision.Delay"/> itself. When the daemon cannot decide, returns the decision of the failure mode.
    /// </summary>
    /// <param name="intent">What the agent means to do.</param>
    /// <param name="cancellationToken">Cancels the question.</param>
    /// <returns>The decision, with the delay still to honour.</returns>
    /// <exception cref="RatelordRequestException">The daemon refused the intent as malformed.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<Decision> NegotiateAsync(Intent intent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intent);
        const string path = "v1/intent";

        using var content = JsonContent.Create(WireMapper.ToRequest(intent), WireJsonContext.Default.IntentRequest);
        var exchange = await ExchangeAsync(HttpMethod.Post, path, content, cancellationToken);
        using var response = exchange.Response;
        if (response is null)
        {
            return Fallback(intent, exchange);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await RejectedAsync(HttpMethod.Post, path, response, cancellationToken);
        }

        Decision decision;
        try
        {
            var answer = await response.Content.ReadFromJsonAsync(
                    WireJsonContext.Default.DecisionAnswer, cancellationToken)
                ?? throw new JsonException("The daemon answered an intent with an empty body.");
            decision = WireMapper.ToDecision(answer, _time.GetUtcNow());
        }
        catch (JsonException e)
        {
            // A daemon whose answer cannot be read cannot be obeyed; the failure mode decides, as for an outage.
            return Fallback(intent, Exchange.Failed(UnreadableAnswer, e.Message, e));
        }

        if (!decision.IsApproved)
        {
            RatelordClientLog.IntentDenied(
                _logger, decision.IntentId, decision.Reason, decision.RetryAfter?.TotalSeconds);
        }

        return decision;
    }

    /// <summary>
    /// Reports what an approved call did, so the daemon settles the reservation and reads the provider's counters
    /// from the response. Does nothing for a fallback decision (<see cref="Decision.IsFallback"/>).
    /// </summary>
    /// <remarks>
    /// The call has already happened, so an unreachable daemon is not the caller's failure: it is logged as a
    /// warning and the method returns; the daemon releases the reservation when the approval lapses.
    /// </remarks>
    /// <param name="intentId">The <see cref="Decision.IntentId"/> of the approval.</param>
    /// <param name="outcome">How the call ended, what it cost, and the provider's response.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <exception cref="ArgumentException">The outcome has headers or a body but no status.</exception>
    /// <exception cref="RatelordRequestException">
    /// The daemon refused the report: the intent is unknown (404), or already settled or denied (409).
    /// </exception>
    public async Task ReportOutcomeAsync(Guid intentId, Outcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status is null && (outcome.Headers.Count > 0 || outcome.Body is not null))
        {
            throw new ArgumentException(
                "The outcome carries response headers or a body but no status; set Outcome.Status to the provider's "
                + "HTTP status, or use Outcome.FromResponse.",
                nameof(outcome));
        }

        if (intentId == Guid.Empty)
        {
            RatelordClientLog.FallbackOutcomeSkipped(_logger);

            return;
        }

        var path = $"v1/intent/{intentId:D}/outcome";
        using var content = JsonContent.Create(WireMapper.ToRequest(outcome), WireJsonContext.Default.OutcomeRequest);
        var exchange = await ExchangeAsync(HttpMethod.Post, path, content, cancellationToken);
        using var response = exchange.Response;
        if (response is null)
        {
            RatelordClientLog.OutcomeNotDelivered(
                _logger, intentId, _baseAddress, exchange.Cause, exchange.Detail, exchange.Unexpected);

            return;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await RejectedAsync(HttpMethod.Post, path, response, cancellationToken);
        }
    }

    /// <summary>Registers an identity (a reference to a credential) with the daemon.</summary>
    /// <param name="registration">The identity.</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    /// <returns>
    /// True when the daemon registered it; false when an identity with that id was already registered, in which
    /// case the existing one is kept unchanged.
    /// </returns>
    /// <exception cref="RatelordRequestException">The daemon refused the registration as malformed.</exception>
    /// <exception cref="RatelordUnavailableException">The daemon could not be reached or failed.</exception>
    public async Task<bool> RegisterIdentityAsync(
        IdentityRegistration registration,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        const string path = "v1/identities";

        using var content = JsonContent.Create(
            WireMapper.ToRequest(registration), WireJsonContext.Default.IdentityRequest);
        var exchange = await ExchangeAsync(HttpMethod.Post, path, content, cancellationToken);
        using var response = exchange.Response
            ?? throw Unavailable($"register identity '{registration.IdentityId}'", exchange);

        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            RatelordClientLog.IdentityAlreadyRegistered(_logger, registration.IdentityId);

            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await RejectedAsync(HttpMethod.Post, path, response, cancellationToken);
        }

        return true;
    }

    /// <summary>Asks the daemon how it is.</summary>
    /// <param name="cancellationToken">Cancels the question.</param>
    /// <returns>The daemon's status, version, uptime and last log position.</returns>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    public async Task<DaemonHealth> GetHealthAsync(CancellationToken cancellationToken = default)
    {
        const string path = "v1/health";

        var exchange = await ExchangeAsync(HttpMethod.Get, path, null, cancellationToken);
        using var response = exchange.Response ?? throw Unavailable("read its health", exchange);
        if (!response.IsSuccessStatusCode)
        {
            throw await RejectedAsync(HttpMethod.Get, path, response, cancellationToken);
        }

        if (NotFromRatelord(HttpMethod.Get, path, response) is { } notJson)
        {
            throw Unavailable("read its health", Exchange.Failed(NotRatelord, notJson, null));
        }

        HealthAnswer answer;
        try
        {
            answer = await response.Content.ReadFromJsonAsync(
                    WireJsonContext.Default.HealthAnswer, cancellationToken)
                ?? throw new JsonException("The daemon answered the health check with an empty body.");
        }
        catch (JsonException e)
        {
            throw Unavailable("read its health", Exchange.Failed(UnreadableAnswer, e.Message, e));
        }

        // A daemon of any version sends at least one of them; DaemonHealth reads either alone.
        if (answer is { Status: null, Version: null })
        {
            var why = $"{Request(HttpMethod.Get, path)} answered without status and version";

            throw Unavailable("read its health", Exchange.Failed(NotRatelord, why, null));
        }

        return WireMapper.ToHealth(answer);
    }

    private Decision Fallback(Intent intent, Exchange failure)
    {
        var now = _time.GetUtcNow();

        if (_options.FailureMode == FailureMode.FailOpen)
        {
            RatelordClientLog.AskFailedOpen(
                _logger, _baseAddress, failure.Cause, failure.Detail, intent.AgentId, failure.Unexpected);

            return new Decision
            {
                IntentId = Guid.Empty,
                Verdict = Verdict.Approve,
                Reason = DecisionReasons.DaemonUnreachableFailOpen,
                EvaluatedAt = now,
            };
        }

        RatelordClientLog.AskFailedClosed(
            _logger,
            _baseAddress,
            failure.Cause,
            failure.Detail,
            intent.AgentId,
            _options.UnreachableRetryAfter.TotalSeconds,
            failure.Unexpected);

        return new Decision
        {
            IntentId = Guid.Empty,
            Verdict = Verdict.DenyWithReason,
            Reason = DecisionReasons.DaemonUnreachable,
            RetryAfter = _options.UnreachableRetryAfter,
            EvaluatedAt = now,
        };
    }

    private RatelordUnavailableException Unavailable(string action, Exchange failure) => new(
        failure.Cause switch
        {
            // A refused connection says nothing about the daemon: it may not run there at all.
            ConnectionFailed => $"Cannot reach the Ratelord daemon at {_baseAddress}: {failure.Detail}.",
            TimedOut => $"The Ratelord daemon at {_baseAddress} did not {action} in time: {failure.Detail}.",
            NotRatelord => $"{_baseAddress}: this is not a Ratelord daemon ({failure.Detail}).",
            _ => $"The Ratelord daemon at {_baseAddress} could not {action} ({failure.Cause}: {failure.Detail}).",
        }
        + " Check that it runs (dotnet run --project src/Ratelord.Host) and that RatelordClientOptions.BaseAddress "
        + "points at it.",
        failure.Error);

    private static Uri WithTrailingSlash(Uri address) =>
        address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
}
