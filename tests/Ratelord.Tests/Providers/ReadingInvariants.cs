using System.Text.Json;
using Ratelord.Core.Providers;

namespace Ratelord.Tests.Providers;

/// <summary>
/// What every reading of any response must satisfy, whatever the server sent, shared by the property
/// tests and the fuzz run: no exception, no NaN or infinity, nothing negative, no reset or wait in the
/// past, and no pool read from a response that carries no rate-limit signal at all.
/// </summary>
internal static class ReadingInvariants
{
    /// <summary>Every name a parser reads, and the prefixes of the families that read a whole prefix.</summary>
    private static readonly string[] SignalPrefixes =
    [
        "x-ratelimit", "x-rate-limit", "ratelimit", "retry-after", "anthropic-", "x-app-limit", "x-user-limit",
        "x-shopify", "x-github-", "x-envoy-",
    ];

    /// <summary>Every family, and <c>auto</c>.</summary>
    public static IReadOnlyList<string> Readers { get; } = [ProviderReader.Auto, .. ProviderReader.Families];

    /// <summary>True when the header could carry a rate-limit signal for some family.</summary>
    public static bool IsSignal(string name) =>
        SignalPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>The response without any header that could carry a signal, and without a body.</summary>
    public static ProviderResponse WithoutSignals(ProviderResponse response) =>
        response with { Headers = [.. response.Headers.Where(h => !IsSignal(h.Key))], Body = null };

    /// <summary>Reads the response with every reader, checks each invariant, returns what failed or null.</summary>
    public static string? Check(ProviderResponse response)
    {
        foreach (var reader in Readers)
        {
            ProviderReading reading;
            try
            {
                reading = ProviderReader.Read(reader, response);
            }
            catch (Exception exception)
            {
                return $"{reader} threw {exception.GetType().Name}: {exception.Message}";
            }

            if (Violation(reading) is { } violation)
            {
                return $"{reader}: {violation}";
            }

            var bare = ProviderReader.Read(reader, WithoutSignals(response));
            if (bare.Pools.Count > 0)
            {
                return $"{reader} invented pool {bare.Pools[0].Pool} from a response without rate-limit signals";
            }
        }

        return null;
    }

    /// <summary>Describes a response for a failure message, so it can be pasted into a regression test.</summary>
    public static string Describe(ProviderResponse response) =>
        JsonSerializer.Serialize(new
        {
            status = response.Status,
            headers = response.Headers.Select(h => new[] { h.Key, h.Value }),
            body = response.Body,
        });

    private static string? Violation(ProviderReading reading)
    {
        if ((Bad(reading.RetryAfterSeconds) ?? Bad(reading.RetryAfterMinSeconds)) is { } wait)
        {
            return $"wait {wait}";
        }

        foreach (var pool in reading.Pools)
        {
            (string Name, double? Value)[] fields =
            [
                ("limit", pool.Limit),
                ("remaining", pool.Remaining),
                ("used", pool.Used),
                ("reset_in_s", pool.ResetInSeconds),
                ("window_s", pool.WindowSeconds),
            ];
            if (fields.FirstOrDefault(f => Bad(f.Value) is not null) is { Name: { } field, Value: var value })
            {
                return $"pool {pool.Pool} {field} is {value}";
            }
        }

        return null;
    }

    /// <summary>The value when it is NaN, infinite or negative (a reset or wait in the past); else null.</summary>
    private static double? Bad(double? value) =>
        value is { } number && (!double.IsFinite(number) || number < 0) ? number : null;
}
