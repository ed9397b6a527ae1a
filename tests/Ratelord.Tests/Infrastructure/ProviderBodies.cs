using System.Globalization;

namespace Ratelord.Tests.Infrastructure;

/// <summary>Provider responses as agents pass them on: status and header pairs, in each provider's format.</summary>
public static class ProviderBodies
{
    /// <summary>An HTTP <c>Date</c>, which has whole seconds only.</summary>
    public static string HttpDate(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    /// <summary><paramref name="at"/> without its fraction of a second, as a <c>Date</c> header states it.</summary>
    public static DateTimeOffset WholeSecond(DateTimeOffset at) =>
        DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());

    /// <summary>
    /// GitHub's headers: <c>date</c>, <c>x-ratelimit-limit</c>, <c>-remaining</c>, <c>-reset</c> (epoch
    /// seconds) and <c>-resource</c>.
    /// </summary>
    public static string[][] GitHubHeaders(
        DateTimeOffset date,
        double limit,
        double remaining,
        DateTimeOffset reset,
        string resource = "core",
        double? used = null)
    {
        var headers = new List<string[]>
        {
            new[] { "date", HttpDate(date) },
            new[] { "x-ratelimit-limit", Number(limit) },
            new[] { "x-ratelimit-remaining", Number(remaining) },
            new[] { "x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
            new[] { "x-ratelimit-resource", resource },
        };
        if (used is { } u)
        {
            headers.Add(["x-ratelimit-used", Number(u)]);
        }

        return [.. headers];
    }

    /// <summary>A <c>POST /v1/observations</c> body for a GitHub response.</summary>
    public static object GitHub(
        string identityId,
        DateTimeOffset date,
        double limit,
        double remaining,
        DateTimeOffset reset,
        int status = 200,
        string resource = "core",
        double? used = null) =>
        new
        {
            Provider = "github",
            IdentityId = identityId,
            Status = status,
            Headers = GitHubHeaders(date, limit, remaining, reset, resource, used),
        };

    /// <summary>A <c>POST /v1/observations</c> body with any family and header pairs.</summary>
    public static object Observation(
        string family,
        string identityId,
        int status,
        params (string Name, string Value)[] headers) =>
        new
        {
            Provider = family,
            IdentityId = identityId,
            Status = status,
            Headers = headers.Select(h => new[] { h.Name, h.Value }).ToArray(),
        };

    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
