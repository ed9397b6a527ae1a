namespace Ratelord.Host.Logging;

/// <summary>Every log line the daemon writes, with fixed event ids that are never reused.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Ratelord {Version} replayed {EventCount} events from {Store} at {DbPath}; last position {Position}")]
    public static partial void Replayed(
        ILogger logger,
        string version,
        long eventCount,
        string store,
        string dbPath,
        long position);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Request to {Path} failed")]
    public static partial void UnhandledRequestFailure(ILogger logger, string path, Exception exception);

    // Event id 4 was "policy loaded"; it is retired in favour of 6 and never reused.

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Expiring lapsed approvals failed")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "Policy {PolicyVersion} from {PolicyPath} is in force ({Trigger}, {RuleCount} rules)")]
    public static partial void PolicyApplied(
        ILogger logger,
        string policyVersion,
        string policyPath,
        string trigger,
        int ruleCount);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Policy file {PolicyPath} refused with {ErrorCount} error(s); the previous policy stays: {Errors}")]
    public static partial void PolicyRejected(ILogger logger, string policyPath, int errorCount, string errors);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Reloading the policy file {PolicyPath} failed")]
    public static partial void PolicyReloadFailed(ILogger logger, string? policyPath, Exception exception);

    // Provider pollers: event ids 100 to 119.
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "Polling provider {ProviderId} ({Kind}) at {Endpoint} every {IntervalSeconds}s "
            + "for identity {IdentityId}")]
    public static partial void PollerStarted(
        ILogger logger,
        string providerId,
        string kind,
        string endpoint,
        double intervalSeconds,
        string identityId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug,
        Message = "Poll of provider {ProviderId} read {PoolCount} pool(s); next poll at {NextPollAt}")]
    public static partial void PollSucceeded(
        ILogger logger,
        string providerId,
        int poolCount,
        DateTimeOffset nextPollAt);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning,
        Message = "Poll of provider {ProviderId} failed ({ErrorKind}): {ErrorMessage}; next poll at {NextPollAt}")]
    public static partial void PollFailed(
        ILogger logger,
        string providerId,
        string errorKind,
        string? errorMessage,
        DateTimeOffset nextPollAt);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information,
        Message = "Poll of provider {ProviderId} succeeded again after {ErrorKind} failures")]
    public static partial void PollRecovered(ILogger logger, string providerId, string errorKind);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error,
        Message = "The poll of provider {ProviderId} could not be recorded")]
    public static partial void PollNotRecorded(ILogger logger, string providerId, Exception exception);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error,
        Message = "Provider {ProviderId} could not be recorded as configured; it is not polled")]
    public static partial void PollerNotConfigured(ILogger logger, string providerId, Exception exception);
}
