namespace Ratelord.Host.Logging;

/// <summary>Every log line the daemon writes, with fixed event ids that are never reused.</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Ratelord {Version} replayed {EventCount} events from {Store} at {DbPath}; last position {Position}")]
    public static partial void Replayed(ILogger logger, string version, long eventCount, string store, string dbPath, long position);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Request to {Path} failed")]
    public static partial void UnhandledRequestFailure(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Loaded {WorkloadCount} workloads from {PolicyPath}, version {PolicyVersion}")]
    public static partial void PolicyLoaded(ILogger logger, int workloadCount, string policyPath, string policyVersion);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Expiring lapsed approvals failed")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
