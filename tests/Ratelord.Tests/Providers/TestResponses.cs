using System.Text.Json;
using Ratelord.Core.Providers;

namespace Ratelord.Tests.Providers;

/// <summary>Builds provider responses for tests, dated like the shared fixture.</summary>
internal static class TestResponses
{
    /// <summary>The <c>Date</c> of every fixture case: 2026-12-03 12:00:00 UTC.</summary>
    public const string Date = "Thu, 03 Dec 2026 12:00:00 GMT";

    /// <summary><see cref="Date"/> as epoch seconds, for resets written relative to it.</summary>
    public const long DateEpochSeconds = 1_796_299_200;

    /// <summary>A response with a <c>Date</c> header followed by the given headers.</summary>
    public static ProviderResponse Dated(int status, params (string Name, string Value)[] headers) =>
        Undated(status, [("date", Date), .. headers]);

    /// <summary>A response with exactly the given headers, and no <c>Date</c> unless one is among them.</summary>
    public static ProviderResponse Undated(int status, params (string Name, string Value)[] headers) =>
        new(status, [.. headers.Select(h => KeyValuePair.Create(h.Name, h.Value))], null);

    /// <summary>The same response with a JSON body.</summary>
    public static ProviderResponse WithBody(this ProviderResponse response, string json)
    {
        using var document = JsonDocument.Parse(json);

        return response with { Body = document.RootElement.Clone() };
    }

    /// <summary>The same response with every header value replaced, as a broken server might send it.</summary>
    public static ProviderResponse WithEveryValue(this ProviderResponse response, string value) =>
        response with { Headers = [.. response.Headers.Select(h => KeyValuePair.Create(h.Key, value))] };

    /// <summary>The same response with another status.</summary>
    public static ProviderResponse WithStatus(this ProviderResponse response, int status) =>
        response with { Status = status };

    /// <summary>The same response with more header lines after its own.</summary>
    public static ProviderResponse WithHeaders(
        this ProviderResponse response,
        params (string Name, string Value)[] headers) =>
        response with { Headers = [.. response.Headers, .. headers.Select(h => KeyValuePair.Create(h.Name, h.Value))] };

    /// <summary>The one pool of that name; fails the test when the reading lacks it.</summary>
    public static PoolReading Pool(this ProviderReading reading, string name) =>
        Assert.Single(reading.Pools, p => p.Pool == name);

    /// <summary>
    /// Asserts a number within the fixture's tolerance, or unknown when <paramref name="expected"/> is null.
    /// </summary>
    public static void Near(double? expected, double? actual, string what)
    {
        if (expected is null)
        {
            Assert.True(actual is null, $"{what}: expected unknown (null), got {actual}");

            return;
        }

        Assert.True(
            actual is { } value && Math.Abs(value - expected.Value) <= 0.001,
            $"{what}: expected {expected}, got {(actual is null ? "null" : actual.ToString())}");
    }
}
