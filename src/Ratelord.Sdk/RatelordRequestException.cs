namespace Ratelord.Sdk;

/// <summary>
/// The daemon refused a request as malformed or impossible (a 4xx problem): a bug or misuse in the caller, not an
/// outage, so no failure mode applies. It carries the daemon's problem details, including which field was wrong.
/// </summary>
public sealed class RatelordRequestException : RatelordException
{
    /// <summary>Creates the exception from the daemon's problem details.</summary>
    /// <param name="status">The HTTP status the daemon answered.</param>
    /// <param name="code">The problem's machine-readable code, for example <c>validation_failed</c>.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="detail">The problem's detail.</param>
    /// <param name="errors">The messages for each field that was wrong, keyed by the field's wire name.</param>
    public RatelordRequestException(
        int status,
        string? code,
        string? title,
        string? detail,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? errors)
        : base(Describe(status, code, title, detail, errors))
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, IReadOnlyList<string>>();
    }

    /// <summary>The HTTP status the daemon answered, for example 400, 404 or 409.</summary>
    public int Status { get; }

    /// <summary>The problem's machine-readable code, when the daemon gave one.</summary>
    public string? Code { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>The problem's detail.</summary>
    public string? Detail { get; }

    /// <summary>The messages for each field that was wrong, keyed by the field's wire name (<c>agent_id</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Errors { get; }

    private static string Describe(
        int status,
        string? code,
        string? title,
        string? detail,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? errors)
    {
        var text = $"The Ratelord daemon refused the request ({status}{(code is null ? "" : " " + code)}): "
            + (detail ?? title ?? "no detail given") + ".";
        if (errors is { Count: > 0 })
        {
            text += " " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
        }

        return text;
    }
}
