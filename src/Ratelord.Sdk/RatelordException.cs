namespace Ratelord.Sdk;

/// <summary>
/// The base of the exceptions the SDK throws. A deny is never one of them: it is a <see cref="Decision"/>.
/// </summary>
public class RatelordException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RatelordException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RatelordException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public RatelordException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
