namespace Ratelord.Host.Http;

/// <summary>Limits on what a client may send.</summary>
public static class RequestLimits
{
    /// <summary>The largest request body accepted: 256 KiB, room for a provider response with its body.</summary>
    public const long MaxBodyBytes = 256 * 1024;

    /// <summary>The most events one page of <c>GET /v1/events</c> returns.</summary>
    public const int MaxEventPage = 1000;
}
