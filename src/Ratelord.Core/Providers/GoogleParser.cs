using System.Text.Json;

namespace Ratelord.Core.Providers;

/// <summary>
/// Reads Google APIs (Gemini, Cloud, Maps): no rate-limit headers, but an error body in the
/// <c>google.rpc.Status</c> shape whose <c>details</c> carry a <c>RetryInfo</c> with the wait
/// (<c>"retryDelay": "34s"</c>), a <c>QuotaFailure</c> naming the quotas that ran out and an
/// <c>ErrorInfo</c> whose metadata may hold the quota's limit.
/// </summary>
/// <remarks>
/// The body may be the status object itself or, from streaming endpoints, an array holding it. A
/// quota named in the error is exhausted: its remaining is 0 and it is full again no sooner than the
/// wait. A quota named without a limit, or a wait that cannot be read, stays unknown.
/// </remarks>
public sealed class GoogleParser : IRateLimitParser
{
    private const string TypePrefix = "type.googleapis.com/google.rpc.";

    /// <summary>Google's quota ids name their period; the window follows from it.</summary>
    private static readonly (string Marker, double Seconds)[] Periods =
    [
        ("PerMinute", 60),
        ("PerHour", 3600),
        ("PerDay", 86_400),
    ];

    /// <inheritdoc />
    public string Family => "google";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        var error = Error(response.Body);

        return Details(error, "RetryInfo").Any()
            || Details(error, "QuotaFailure").Any()
            || ResponseValues.Text(ResponseValues.Find(error, "status")) == "RESOURCE_EXHAUSTED";
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);
        var error = Error(response.Body);

        var limited = response.Status == 429
            || ResponseValues.Text(ResponseValues.Find(error, "status")) == "RESOURCE_EXHAUSTED";
        var retryAfter = RetryAfter(response, error, date);
        var pools = limited ? ExhaustedQuotas(error, retryAfter) : [];

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }

    /// <summary>
    /// The longer of <c>Retry-After</c> and every <c>RetryInfo</c>; one that is stated but unreadable
    /// makes the wait unknown.
    /// </summary>
    private static double? RetryAfter(ProviderResponse response, JsonElement? error, DateTimeOffset? date)
    {
        var stated = Details(error, "RetryInfo")
            .Select(info => Duration(ResponseValues.Find(info, "retryDelay")))
            .ToList();
        if (response.HasHeader("Retry-After"))
        {
            stated.Add(ResetValues.RetryAfter(response, date));
        }

        return ResponseValues.Highest(stated);
    }

    /// <summary>
    /// The quotas the error says ran out: by <c>quotaId</c> and <c>quotaValue</c> in the
    /// <c>QuotaFailure</c> (Gemini), or by <c>quota_limit</c> and <c>quota_limit_value</c> in the
    /// <c>ErrorInfo</c> metadata (Cloud APIs). A quota without a readable limit says nothing.
    /// </summary>
    private static List<PoolReading> ExhaustedQuotas(JsonElement? error, double? retryAfter)
    {
        var quotas = new List<(string Name, double? Limit)>();
        foreach (var failure in Details(error, "QuotaFailure"))
        {
            foreach (var violation in ResponseValues.Elements(ResponseValues.Find(failure, "violations")))
            {
                var id = ResponseValues.Text(ResponseValues.Find(violation, "quotaId"));
                quotas.Add((id ?? string.Empty, ResponseValues.Number(ResponseValues.Find(violation, "quotaValue"))));
            }
        }

        foreach (var info in Details(error, "ErrorInfo"))
        {
            var metadata = ResponseValues.Find(info, "metadata");
            var name = ResponseValues.Text(ResponseValues.Find(metadata, "quota_limit"));
            var value = ResponseValues.Number(ResponseValues.Find(metadata, "quota_limit_value"));
            quotas.Add((name ?? string.Empty, value));
        }

        return
        [
            .. quotas
                .Where(q => q.Name.Length > 0 && q.Limit is not null)
                .GroupBy(q => q.Name, StringComparer.Ordinal)
                .Select(q => new PoolReading(
                    q.Key,
                    ResponseValues.Lowest(q.Select(v => v.Limit)),
                    0,
                    null,
                    retryAfter,
                    Window(q.Key))),
        ];
    }

    private static double? Window(string quotaId) =>
        Periods.Where(p => quotaId.Contains(p.Marker, StringComparison.Ordinal)).Select(p => (double?)p.Seconds)
            .FirstOrDefault();

    /// <summary>The status object: the body, or the first element of an array body.</summary>
    private static JsonElement? Error(JsonElement? body)
    {
        var status = body is { ValueKind: JsonValueKind.Array } array
            ? ResponseValues.Elements(array).Select(e => (JsonElement?)e).FirstOrDefault()
            : body;

        return ResponseValues.Find(status, "error") is { ValueKind: JsonValueKind.Object } error ? error : null;
    }

    /// <summary>The details of the error whose <c>@type</c> is the named <c>google.rpc</c> message.</summary>
    private static IEnumerable<JsonElement> Details(JsonElement? error, string type) =>
        ResponseValues.Elements(ResponseValues.Find(error, "details"))
            .Where(detail => ResponseValues.Text(ResponseValues.Find(detail, "@type")) == TypePrefix + type);

    /// <summary>
    /// A protobuf <c>Duration</c>: its JSON form <c>"1.5s"</c>, or the object form with
    /// <c>seconds</c> and <c>nanos</c> that some clients pass on.
    /// </summary>
    private static double? Duration(JsonElement? value)
    {
        if (ResponseValues.Text(value) is { } text)
        {
            var trimmed = text.Trim();

            return trimmed.EndsWith('s') ? ResponseValues.Number(trimmed[..^1]) : null;
        }

        var seconds = ResponseValues.Number(ResponseValues.Find(value, "seconds"));
        var nanos = ResponseValues.Find(value, "nanos") is null
            ? 0
            : ResponseValues.Number(ResponseValues.Find(value, "nanos"));

        return seconds is { } s && nanos is { } n ? s + (n / 1e9) : null;
    }
}
