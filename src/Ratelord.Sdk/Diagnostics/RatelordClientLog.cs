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
}
