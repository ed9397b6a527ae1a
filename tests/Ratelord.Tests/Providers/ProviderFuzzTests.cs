using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ratelord.Core.Providers;

namespace Ratelord.Tests.Providers;

/// <summary>
/// A bounded fuzz run of the parsers: the realistic responses of the fixtures, mutated at random the
/// ways broken servers and proxies mutate them, read by every reader against
/// <see cref="ReadingInvariants"/>. CI runs a fixed count with a fixed seed under a time cap; longer
/// runs take their count, seed and cap from the environment (see docs/providers.md).
/// </summary>
public sealed class ProviderFuzzTests
{
    /// <summary>Mutated responses per CI run, unless <c>RATELORD_FUZZ_ITERATIONS</c> says otherwise.</summary>
    private const int DefaultIterations = 3_000;

    /// <summary>The CI run's seed, unless <c>RATELORD_FUZZ_SEED</c> says otherwise.</summary>
    private const int DefaultSeed = 20_261_203;

    /// <summary>
    /// The run stops after this long even if iterations remain, unless <c>RATELORD_FUZZ_SECONDS</c> says otherwise.
    /// </summary>
    private static readonly TimeSpan DefaultCap = TimeSpan.FromSeconds(60);

    private static readonly string[] Junk =
    [
        "", " ", "-1", "-0.0", "NaN", "-Infinity", "1e999", "4.9e-324", "1796301000", "1796301000000",
        "99999999999999999999", "0x1F", "12ms", "-5s", "1h-2m", "9999999h", "\"", "\\", ";", ",", "=", ";;,,==",
        "a=b;c", "\u0000", "\u00b5", "\ud83d\ude00",
        "2026-12-03T12:00:00Z", "Thu, 03 Dec 2026 12:00:00 GMT", "Thu, 31 Feb 2026 25:61:61 GMT", "32/40", "/0",
        "\"x\";q=-1;w=0", "default;r=1e400", "limit=1, remaining=-2, reset=1e309",
    ];

    private static readonly string[] NewNames =
    [
        "x-ratelimit-remaining", "Retry-After", "retry-after-ms", "RateLimit", "RateLimit-Reset", "Date",
        "x-ratelimit-reset-after", "anthropic-ratelimit-tokens-reset", "RateLimit-ResetTime", "x-rate-limit-reset",
    ];

    [Fact]
    public void Parsers_HoldTheInvariants_OnMutatedFixtureResponses()
    {
        var iterations = Setting("RATELORD_FUZZ_ITERATIONS", DefaultIterations);
        var seed = Setting("RATELORD_FUZZ_SEED", DefaultSeed);
        var cap = TimeSpan.FromSeconds(Setting("RATELORD_FUZZ_SECONDS", (int)DefaultCap.TotalSeconds));
        var random = new Random(seed);
        var seeds = FixtureResponses();
        var clock = Stopwatch.StartNew();

        var done = 0;
        for (; done < iterations && clock.Elapsed < cap; done++)
        {
            var response = seeds[random.Next(seeds.Count)];
            var mutations = random.Next(1, 6);
            for (var m = 0; m < mutations; m++)
            {
                response = Mutate(response, random);
            }

            if (ReadingInvariants.Check(response) is { } failure)
            {
                Assert.Fail(
                    $"seed {seed}, iteration {done}: {failure}\nresponse: {ReadingInvariants.Describe(response)}");
            }
        }

        TestContext.Current.SendDiagnosticMessage($"fuzz: {done} mutated responses, seed {seed}, {clock.Elapsed}");
        Assert.True(done > 0, "The fuzz run read no response.");
    }

    private static List<ProviderResponse> FixtureResponses()
    {
        var responses = new List<ProviderResponse>();
        foreach (var folder in new[] { "provider-responses", "provider-responses-project" })
        {
            var path = Path.Combine(AppContext.BaseDirectory, "TestData", folder, "cases.json");
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var fixtureCase in document.RootElement.EnumerateArray())
            {
                var response = fixtureCase.GetProperty("response");
                var headers = response.GetProperty("headers").EnumerateArray()
                    .Select(pair => KeyValuePair.Create(pair[0].GetString()!, pair[1].GetString()!))
                    .ToList();
                var body = response.GetProperty("body");
                responses.Add(new ProviderResponse(
                    response.GetProperty("status").GetInt32(),
                    headers,
                    body.ValueKind == JsonValueKind.Null ? null : body.Clone()));
            }
        }

        return responses;
    }

    private static ProviderResponse Mutate(ProviderResponse response, Random random)
    {
        var headers = response.Headers.ToList();
        var pick = headers.Count == 0 ? -1 : random.Next(headers.Count);
        switch (random.Next(11))
        {
            case 0 when pick >= 0:
                headers.RemoveAt(pick);
                break;
            case 1 when pick >= 0:
                headers.Insert(random.Next(headers.Count + 1), headers[pick]);
                break;
            case 2 when pick >= 0:
                headers[pick] = KeyValuePair.Create(headers[pick].Key, Junk[random.Next(Junk.Length)]);
                break;
            case 3 when pick >= 0:
                headers[pick] = KeyValuePair.Create(headers[pick].Key, Twist(headers[pick].Value, random));
                break;
            case 4 when pick >= 0:
                // A proxy that folds two lines into one joins them with a comma.
                var other = headers[random.Next(headers.Count)];
                headers[pick] = KeyValuePair.Create(headers[pick].Key, $"{headers[pick].Value}, {other.Value}");
                break;
            case 5 when pick >= 0:
                headers[pick] = KeyValuePair.Create(
                    random.Next(2) == 0 ? headers[pick].Key.ToUpperInvariant() : headers[pick].Key.ToLowerInvariant(),
                    headers[pick].Value);
                break;
            case 6:
                var name = NewNames[random.Next(NewNames.Length)];
                headers.Add(KeyValuePair.Create(name, Junk[random.Next(Junk.Length)]));
                break;
            case 7:
                int[] statuses = [200, 403, 429, 500, 503, 0, 999];

                return response with { Headers = headers, Status = statuses[random.Next(statuses.Length)] };
            case 8 or 9:
                return response with { Headers = headers, Body = MutateBody(response.Body, random) };
            default:
                headers.RemoveAll(h => h.Key.Equals("date", StringComparison.OrdinalIgnoreCase));
                break;
        }

        return response with { Headers = headers };
    }

    /// <summary>Changes one character, cuts the value short, or doubles it.</summary>
    private static string Twist(string value, Random random)
    {
        if (value.Length == 0)
        {
            return Junk[random.Next(Junk.Length)];
        }

        var at = random.Next(value.Length);

        return random.Next(3) switch
        {
            0 => value[..at] + (char)random.Next(32, 127) + value[(at + 1)..],
            1 => value[..at],
            _ => value + value,
        };
    }

    private static JsonElement? MutateBody(JsonElement? body, Random random)
    {
        if (body is null)
        {
            return Parse(Junk[random.Next(Junk.Length)].Length > 3 ? "{\"retry_after\":-1}" : "[]");
        }

        var node = JsonNode.Parse(body.Value.GetRawText());
        var leaves = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(node, leaves);
        if (leaves.Count == 0 || random.Next(8) == 0)
        {
            return Parse(random.Next(2) == 0 ? $"[{body.Value.GetRawText()}]" : "\"text\"");
        }

        var (parent, key, index) = leaves[random.Next(leaves.Count)];
        JsonNode? replacement = random.Next(5) switch
        {
            0 => JsonValue.Create(-random.NextDouble() * 1e6),
            1 => JsonValue.Create(Junk[random.Next(Junk.Length)]),
            2 => JsonValue.Create(double.MaxValue),
            3 => null,
            _ => new JsonArray(JsonValue.Create(1)),
        };
        if (key is not null)
        {
            ((JsonObject)parent)[key] = replacement;
        }
        else
        {
            ((JsonArray)parent)[index] = replacement;
        }

        return Parse(node!.ToJsonString());
    }

    private static void Collect(JsonNode? node, List<(JsonNode Parent, string? Key, int Index)> leaves)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    leaves.Add((obj, key, -1));
                    Collect(child, leaves);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    leaves.Add((array, null, i));
                    Collect(array[i], leaves);
                }

                break;
        }
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);

        return document.RootElement.Clone();
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(
            Environment.GetEnvironmentVariable(variable),
            NumberStyles.Integer,
            CultureInfo.InvariantCulture,
            out var value) && value > 0
            ? value
            : fallback;
}
