namespace Ratelord.Host.Http;

/// <summary>A request the API refuses before any command is made: bad media type, malformed body, bad query.</summary>
public sealed class ApiProblemException(int status, string code, string detail, string? field = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string? Field { get; } = field;
}
