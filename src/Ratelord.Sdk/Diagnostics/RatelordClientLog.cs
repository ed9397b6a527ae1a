using Microsoft.Extensions.Logging;

namespace Ratelord.Sdk.Diagnostics;

/// <summary>
/// Every log entry the SDK writes. Event ids are in the SDK's range 5001-5099 and are never reused: operators filter
/// and alert on them.
/// </summary>
internal static partial class RatelordClientLog
{
    [LoggerMessage(
        EventId = 5001,
        EventName = "AskFailedClosed",
        Level = LogLevel.Warning,
        Message = "The Ratelord daemon at {BaseAddress} could not decide ({Cause}: {Detail}); failing closed: the "
            + "intent of agent {AgentId} is denied, ask again in {RetryAfterSeconds} s")]
    public static partial void AskFailedClosed(
        ILogger logger,
        Uri baseAddress,
        string cause,
        string detail,
        string agentId,
        double retryAfterSeconds,
        Exception? exception);

    [LoggerMessage(
        EventId = 5002,
        EventName = "AskFailedOpen",
        Level = LogLevel.Warning,
        Message = "The Ratelord daemon at {BaseAddress} could not decide ({Cause}: {Detail}); failing open: the "
            + "intent of agent {AgentId} is approved unchecked")]
    public static partial void AskFailedOpen(
        ILogger logger,
        Uri baseAddress,
        string cause,
        string detail,
        string agentId,
        Exception? exception);

    [LoggerMessage(
        EventId = 5003,
        EventName = "WaitingBeforeCall",
        Level = LogLevel.Debug,
        Message = "Intent {IntentId} is approved after a delay of {DelaySeconds} s ({Reason}); waiting")]
    public static partial void WaitingBeforeCall(ILogger logger, Guid intentId, double delaySeconds, string? reason);

    [LoggerMessage(
        EventId = 5004,
        EventName = "IntentDenied",
        Level = LogLevel.Debug,
        Message = "Intent {IntentId} is denied ({Reason}); a retry may succeed in {RetryAfterSeconds} s")]
    public static partial void IntentDenied(ILogger logger, Guid intentId, string? reason, double? retryAfterSeconds);

    [LoggerMessage(
        EventId = 5005,
        EventName = "OutcomeNotDelivered",
        Level = LogLevel.Warning,
        Message = "The outcome of intent {IntentId} did not reach the Ratelord daemon at {BaseAddress} ({Cause}: "
            + "{Detail}); its reservation is held until the approval lapses")]
    public static partial void OutcomeNotDelivered(
        ILogger logger,
        Guid intentId,
        Uri baseAddress,
        string cause,
        string detail,
        Exception? exception);

    [LoggerMessage(
        EventId = 5006,
        EventName = "FallbackOutcomeSkipped",
        Level = LogLevel.Debug,
        Message = "The outcome of a fallback decision is not reported: the daemon never saw its intent")]
    public static partial void FallbackOutcomeSkipped(ILogger logger);

    [LoggerMessage(
        EventId = 5007,
        EventName = "IdentityAlreadyRegistered",
        Level = LogLevel.Information,
        Message = "Identity {IdentityId} was already registered with the Ratelord daemon; the existing one is kept")]
    public static partial void IdentityAlreadyRegistered(ILogger logger, string identityId);

    [LoggerMessage(
        EventId = 5008,
        EventName = "RequestRejected",
        Level = LogLevel.Debug,
        Message = "The Ratelord daemon refused {Method} {Path} with status {StatusCode} ({Code})")]
    public static partial void RequestRejected(
        ILogger logger,
        string method,
        string path,
        int statusCode,
        string? code);

    [LoggerMessage(
        EventId = 5009,
        EventName = "OutcomeRefused",
        Level = LogLevel.Warning,
        Message = "The outcome of intent {IntentId} was refused with status {StatusCode} ({Code}): the approval was "
            + "already settled or had lapsed")]
    public static partial void OutcomeRefused(ILogger logger, Guid intentId, int statusCode, string? code);

    [LoggerMessage(
        EventId = 5010,
        EventName = "CallDenied",
        Level = LogLevel.Debug,
        Message = "{Method} {Uri} is not sent: intent {IntentId} was denied ({Reason}); a retry may succeed in "
            + "{RetryAfterSeconds} s")]
    public static partial void CallDenied(
        ILogger logger,
        string method,
        Uri? uri,
        Guid intentId,
        string? reason,
        double? retryAfterSeconds);

    [LoggerMessage(
        EventId = 5011,
        EventName = "IdentitySwitched",
        Level = LogLevel.Information,
        Message = "Intent {IntentId} is approved on identity {IdentityId} instead of {RequestedIdentityId} ({Reason})")]
    public static partial void IdentitySwitched(
        ILogger logger,
        Guid intentId,
        string identityId,
        string requestedIdentityId,
        string? reason);

    [LoggerMessage(
        EventId = 5012,
        EventName = "LeaseOutcomeNotReported",
        Level = LogLevel.Warning,
        Message = "The outcome of lease {IntentId} could not be reported when it was released; its reservation is "
            + "held until the approval lapses")]
    public static partial void LeaseOutcomeNotReported(ILogger logger, Guid intentId, Exception exception);

    [LoggerMessage(
        EventId = 5013,
        EventName = "ActualCostUnread",
        Level = LogLevel.Warning,
        Message = "The actual cost of intent {IntentId} could not be read from the response; the expected cost "
            + "stands")]
    public static partial void ActualCostUnread(ILogger logger, Guid intentId, Exception exception);

    [LoggerMessage(
        EventId = 5014,
        EventName = "EmbeddedStarted",
        Level = LogLevel.Information,
        Message = "Ratelord runs embedded on the {StoreKind} log ({EventCount} events replayed) with policy "
            + "{PolicyVersion}")]
    public static partial void EmbeddedStarted(ILogger logger, string storeKind, long eventCount, string policyVersion);

    [LoggerMessage(
        EventId = 5015,
        EventName = "CallCancelledBeforeSend",
        Level = LogLevel.Debug,
        Message = "Intent {IntentId} is released: its call was cancelled or failed before it was sent")]
    public static partial void CallCancelledBeforeSend(ILogger logger, Guid intentId);
}
