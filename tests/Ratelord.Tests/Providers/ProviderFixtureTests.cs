using System.Text.Json;
using Ratelord.Core.Providers;

namespace Ratelord.Tests.Providers;

/// <summary>
/// Every case of the shared provider fixture (<c>TestData/provider-responses/cases.json</c>), read
/// both by its own family and by auto-detection, checked field by field as the fixture's README
/// says: a field that is absent is not checked, a field that is null must come out unknown. The
/// project's own cases (<c>TestData/provider-responses-project/cases.json</c>, same shape) cover the
/// families the shared fixture predates and run the same way.
/// </summary>
public sealed class ProviderFixtureTests
{
    private const double Tolerance = 0.001;

    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> SharedCases =
        new(() => Load("provider-responses"));

    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> ProjectCases =
        new(() => Load("provider-responses-project"));

    private static readonly Lazy<IReadOnlyDictionary<string, JsonElement>> Cases = new(() =>
        SharedCases.Value.Concat(ProjectCases.Value).ToDictionary(StringComparer.Ordinal));

    private static readonly Dictionary<string, Func<PoolReading, double?>> PoolFields = new()
    {
        ["limit"] = p => p.Limit,
        ["remaining"] = p => p.Remaining,
        ["used"] = p => p.Used,
        ["reset_in_s"] = p => p.ResetInSeconds,
        ["window_s"] = p => p.WindowSeconds,
    };

    public static TheoryData<string> CaseIds() => [.. Cases.Value.Keys];

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Case_ReadsAsExpected_ByItsFamilyAndByAuto(string id)
    {
        var fixtureCase = Cases.Value[id];
        var family = fixtureCase.GetProperty("provider").GetString()!;
        var response = ToResponse(fixtureCase.GetProperty("response"));
        var expect = fixtureCase.GetProperty("expect");

        var named = ProviderReader.Read(family, response);
        var auto = ProviderReader.Read(ProviderReader.Auto, response);

        AssertReading(expect, named, $"{id} read as {family}");
        AssertReading(expect, auto, $"{id} read as auto");
        Assert.True(auto.Family == family, $"{id}: auto chose {auto.Family}, the fixture says {family}");
    }

    [Fact]
    public void Fixture_HasUniqueIds_AndCoversEveryFamily()
    {
        var families = Cases.Value.Values.Select(c => c.GetProperty("provider").GetString()).ToHashSet();

        Assert.Equal(26, SharedCases.Value.Count);
        Assert.Equal(SharedCases.Value.Count + ProjectCases.Value.Count, Cases.Value.Count);
        Assert.All(ProviderReader.Families, family => Assert.Contains(family, families));
    }

    private static void AssertReading(JsonElement expect, ProviderReading reading, string what)
    {
        foreach (var field in expect.EnumerateObject())
        {
            switch (field.Name)
            {
                case "limited":
                    Assert.True(
                        field.Value.GetBoolean() == reading.Limited,
                        $"{what}: limited should be {field.Value.GetBoolean()}");
                    break;
                case "retry_after_s":
                    AssertNumber(field.Value, reading.RetryAfterSeconds, $"{what}: retry_after_s");
                    break;
                case "retry_after_min_s":
                    AssertNumber(field.Value, reading.RetryAfterMinSeconds, $"{what}: retry_after_min_s");
                    break;
                case "pools":
                    AssertPools(field.Value, reading.Pools, what);
                    break;
                default:
                    Assert.Fail($"{what}: the fixture expects '{field.Name}', which this test does not know");
                    break;
            }
        }
    }

    private static void AssertPools(JsonElement expected, IReadOnlyList<PoolReading> pools, string what)
    {
        var expectedNames = expected.EnumerateArray().Select(p => p.GetProperty("pool").GetString()).Order();
        var actualNames = pools.Select(p => p.Pool).Order();
        Assert.True(
            expectedNames.SequenceEqual(actualNames),
            $"{what}: pools should be [{string.Join(", ", expectedNames)}], were [{string.Join(", ", actualNames)}]");

        foreach (var expectedPool in expected.EnumerateArray())
        {
            var name = expectedPool.GetProperty("pool").GetString();
            var pool = pools.Single(p => p.Pool == name);
            foreach (var field in expectedPool.EnumerateObject().Where(f => f.Name != "pool"))
            {
                Assert.True(
                    PoolFields.TryGetValue(field.Name, out var read),
                    $"{what}: the fixture expects pool field '{field.Name}', which this test does not know");
                AssertNumber(field.Value, read(pool), $"{what}: pool {name} {field.Name}");
            }
        }
    }

    private static void AssertNumber(JsonElement expected, double? actual, string what)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.True(actual is null, $"{what} should be unknown (null), was {actual}");

            return;
        }

        var value = expected.GetDouble();
        Assert.True(
            actual is { } number && Math.Abs(number - value) <= Tolerance,
            $"{what} should be {value}, was {(actual is null ? "null" : actual.ToString())}");
    }

    private static ProviderResponse ToResponse(JsonElement response)
    {
        var headers = response.GetProperty("headers")
            .EnumerateArray()
            .Select(pair => KeyValuePair.Create(pair[0].GetString()!, pair[1].GetString()!))
            .ToList();
        var body = response.GetProperty("body");

        return new ProviderResponse(
            response.GetProperty("status").GetInt32(),
            headers,
            body.ValueKind == JsonValueKind.Null ? null : body);
    }

    private static IReadOnlyDictionary<string, JsonElement> Load(string folder)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", folder, "cases.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));

        return document.RootElement
            .EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.Clone(), StringComparer.Ordinal);
    }
}
