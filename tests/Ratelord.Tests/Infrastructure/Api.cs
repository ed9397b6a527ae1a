using System.Net;
using System.Text;
using System.Text.Json;

namespace Ratelord.Tests.Infrastructure;

/// <summary>
/// The HTTP API as a client in any language sees it: snake_case JSON bodies in, JSON (or problem
/// details) out. Helpers assert the status they expect, so a failing call says what came back.
/// </summary>
public static class Api
{
    /// <summary>Writes C# property names as the API's snake_case and leaves out nulls.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Every call gives up when the test is cancelled.</summary>
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A body serialized as snake_case JSON with <c>Content-Type: application/json</c>.</summary>
    public static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string path, object body) =>
        http.PostAsync(path, JsonContent(body), Token);

    /// <summary>Posts a body and returns the JSON answer, asserting its status.</summary>
    public static async Task<JsonElement> PostForJsonAsync(
        this HttpClient http,
        string path,
        object body,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await http.PostJsonAsync(path, body);

        return await ExpectJsonAsync(response, expected);
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, Token);

        return await ExpectJsonAsync(response, HttpStatusCode.OK);
    }

    /// <summary>The JSON answer of a response, asserting its status and showing the body when it differs.</summary>
    public static async Task<JsonElement> ExpectJsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(
            response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered "
            + $"{(int)response.StatusCode}, expected {(int)expected}: {text}");
        using var document = JsonDocument.Parse(text);

        return document.RootElement.Clone();
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        using var document = JsonDocument.Parse(text);

        return document.RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 answer with the status and machine-readable code; returns the problem.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(
            (int)response.StatusCode == status,
            $"Expected {status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail), "A problem says what is wrong.");
        Assert.DoesNotContain("Ratelord.Host.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);

        return problem;
    }

    /// <summary>The field names a problem's <c>errors</c> lists.</summary>
    public static IReadOnlyList<string> ErrorFields(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? [.. errors.EnumerateObject().Select(e => e.Name)]
            : [];

    public static async Task<JsonElement> RegisterIdentityAsync(
        this HttpClient http,
        string identityId,
        string provider = "github",
        string kind = "pat")
    {
        return await http.PostForJsonAsync(
            "/v1/identities",
            new { IdentityId = identityId, Kind = kind, Provider = provider },
            HttpStatusCode.Created);
    }

    public static Task<JsonElement> ObserveAsync(this HttpClient http, object observation) =>
        http.PostForJsonAsync("/v1/observations", observation);

    /// <summary>
    /// Submits an intent; the workload <c>default</c> draws cost 1 from the provider's default pool.
    /// Urgency <c>high</c> meets the capacity rule alone: it is neither paced for risk nor kept out of
    /// the share of a pool that is reserved for it.
    /// </summary>
    public static Task<JsonElement> SubmitIntentAsync(
        this HttpClient http,
        string agentId,
        string identityId,
        string workloadId = "default",
        double? expectedCost = null,
        double? maxWaitSeconds = null,
        bool? debug = null,
        string? urgency = null) =>
        http.PostForJsonAsync(
            "/v1/intent",
            new
            {
                AgentId = agentId,
                IdentityId = identityId,
                WorkloadId = workloadId,
                ScopeId = "global",
                Urgency = urgency,
                ExpectedCost = expectedCost,
                MaxWaitSeconds = maxWaitSeconds,
                Debug = debug,
            },
            HttpStatusCode.OK);

    public static Task<JsonElement> ReportOutcomeAsync(
        this HttpClient http,
        string intentId,
        object outcome) =>
        http.PostForJsonAsync($"/v1/intent/{intentId}/outcome", outcome);

    /// <summary>The log's last position as <c>GET /v1/events</c> reports it.</summary>
    public static async Task<long> LastPositionAsync(this HttpClient http) =>
        (await http.GetJsonAsync("/v1/events?limit=1")).GetProperty("last_position").GetInt64();

    /// <summary>Every event in the log, read page by page with <c>after</c> and <c>next_after</c>.</summary>
    public static async Task<List<JsonElement>> ReadAllEventsAsync(this HttpClient http)
    {
        var events = new List<JsonElement>();
        long after = 0;
        while (true)
        {
            var page = await http.GetJsonAsync($"/v1/events?after={after}&limit=1000");
            var items = page.GetProperty("events").EnumerateArray().ToList();
            if (items.Count == 0)
            {
                return events;
            }

            events.AddRange(items);
            after = page.GetProperty("next_after").GetInt64();
        }
    }

    public static string Text(this JsonElement element, string property) =>
        element.GetProperty(property).GetString()!;

    public static double Number(this JsonElement element, string property) =>
        element.GetProperty(property).GetDouble();

    /// <summary>One field of every object in an array property: <c>identities[*].identity_id</c>.</summary>
    public static IReadOnlyList<string?> Each(this JsonElement element, string array, string field) =>
        [.. element.GetProperty(array).EnumerateArray().Select(item => item.GetProperty(field).GetString())];

    /// <summary>The strings of an array property.</summary>
    public static IReadOnlyList<string?> Strings(this JsonElement element, string array) =>
        [.. element.GetProperty(array).EnumerateArray().Select(item => item.GetString())];

    public static bool IsNull(this JsonElement element, string property) =>
        element.GetProperty(property).ValueKind == JsonValueKind.Null;
}
