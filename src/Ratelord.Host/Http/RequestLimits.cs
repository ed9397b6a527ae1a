namespace Ratelord.Host.Http;

/// <summary>Limits on what a client may send.</summary>
public static class RequestLimits
{
    /// <summary>The largest request body accepted: 256 KiB, room for a provider response with its body.</summary>
    public const long MaxBodyBytes = 256 * 1024;

    /// <summary>The most events one page of <c>GET /v1/events</c> returns.</summary>
    public const int MaxEventPage = 1000;

    /// <summary>
    /// The most events one page of <c>GET /v1/events?type=</c> reads to find events of that type; its
    /// <c>next_after</c> says where to read on, so a rare type in a long log costs several short requests rather
    /// than one that reads the whole log.
    /// </summary>
    public const int MaxEventScan = 10_000;
}
