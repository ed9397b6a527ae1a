namespace Ratelord.Sdk;

/// <summary>
/// The daemon could not be reached, did not answer in time, or failed (5xx), for a request that has no failure mode
/// to fall back on, such as registering an identity. Asking about an intent never throws it: it falls back on
/// <see cref="RatelordClientOptions.FailureMode"/> instead.
/// </summary>
public sealed class RatelordUnavailableException : RatelordException
{
    /// <summary>Creates the exception.</summary>
    public RatelordUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RatelordUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public RatelordUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
