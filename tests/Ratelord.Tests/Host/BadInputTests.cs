using System.Text;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Host;

/// <summary>
/// Bad input gets a clear 4xx problem-details answer that names the cause, never a crash and never a
/// silent default, and it leaves the log exactly as it was.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private const string Identity = "pat:bad-input";

    private const string Observation = """
        "provider":"github","identity_id":"pat:bad-input"
        """;

    private const string IntentFields = """
        "agent_id":"a","identity_id":"pat:bad-input","workload_id":"w","scope_id":"global"
        """;

    private static readonly Dictionary<string, BadRequest> Cases = new()
    {
        ["intent without agent_id"] = new(
            (http, _) => http.PostJsonAsync(
                "/v1/intent", new { IdentityId = Identity, WorkloadId = "default", ScopeId = "global" }),
            400,
            "validation_failed",
            "agent_id"),
        ["intent with an unknown urgency"] = new(
            (http, _) => http.PostJsonAsync("/v1/intent", Intent(urgency: "whenever")),
            400,
            "validation_failed",
            "urgency"),
        ["intent with a negative expected_cost"] = new(
            (http, _) => http.PostJsonAsync("/v1/intent", Intent(expectedCost: -1)),
            400,
            "validation_failed",
            "expected_cost"),
        ["intent with an unknown field"] = new(
            (http, _) => Raw(http, "/v1/intent", $$"""{{{IntentFields}},"agentid":"b"}"""),
            400,
            "unknown_field",
            "agentid"),
        ["intent with a field of the wrong type"] = new(
            (http, _) => Raw(http, "/v1/intent", $$"""{{{IntentFields}},"expected_cost":"ten"}"""),
            400,
            "wrong_type",
            "expected_cost"),
        ["intent with a flag that is not true or false"] = new(
            (http, _) => Raw(http, "/v1/intent", $$"""{{{IntentFields}},"debug":"yes"}"""),
            400,
            "wrong_type",
            "debug"),
        ["intent with a duration hint beyond a week"] = new(
            (http, _) => Raw(http, "/v1/intent", $$"""{{{IntentFields}},"duration_hint":1e15}"""),
            400,
            "validation_failed",
            "duration_hint"),
        ["intent with malformed JSON"] = new(
            (http, _) => Raw(http, "/v1/intent", """{"agent_id":"a","identity_id":"""),
            400,
            "malformed_json",
            null),
        ["intent with a null body"] = new(
            (http, _) => Raw(http, "/v1/intent", "null"),
            400,
            "empty_body",
            null),
        ["intent as text/plain"] = new(
            (http, _) => http.PostAsync(
                "/v1/intent",
                new StringContent($$"""{{{IntentFields}}}""", Encoding.UTF8, "text/plain"),
                TestContext.Current.CancellationToken),
            415,
            "unsupported_media_type",
            null),
        ["intent over the size limit"] = new(
            (http, _) => Raw(http, "/v1/intent", $$"""{"agent_id":"{{new string('a', (256 * 1024) + 1)}}"}"""),
            413,
            "body_too_large",
            null),
        ["observation for an identity nobody registered"] = new(
            (http, _) => http.PostJsonAsync(
                "/v1/observations",
                ProviderBodies.Observation("github", "pat:nobody", 200, ("x-ratelimit-remaining", "1"))),
            404,
            "identity_not_found",
            "identity_id"),
        ["observation with an unknown provider family"] = new(
            (http, _) => http.PostJsonAsync(
                "/v1/observations",
                ProviderBodies.Observation("myspace", Identity, 200, ("x-ratelimit-remaining", "1"))),
            400,
            "unknown_provider_family",
            "provider"),
        ["observation with headers that are not pairs"] = new(
            (http, _) => Raw(
                http,
                "/v1/observations",
                $$"""{{{Observation}},"status":200,"headers":[["x-ratelimit-limit"],["a","b","c"]]}"""),
            400,
            "validation_failed",
            "headers[0]"),
        ["observation with headers as an object"] = new(
            (http, _) => Raw(
                http,
                "/v1/observations",
                $$$"""{{{{Observation}}},"status":200,"headers":{"x-ratelimit-limit":"5"}}"""),
            400,
            "validation_failed",
            "headers"),
        ["observation with a status that is not HTTP"] = new(
            (http, _) => Raw(http, "/v1/observations", $$"""{{{Observation}},"status":99,"headers":[]}"""),
            400,
            "validation_failed",
            "status"),
        ["observation without a status"] = new(
            (http, _) => Raw(http, "/v1/observations", $$"""{{{Observation}},"headers":[]}"""),
            400,
            "validation_failed",
            "status"),
        ["outcome with an unknown provider family"] = new(
            (http, intents) => Raw(
                http,
                $"/v1/intent/{intents.Open}/outcome",
                """
                {"outcome":"completed","provider":"myspace",
                 "response":{"status":200,"headers":[["x-ratelimit-remaining","1"]]}}
                """),
            400,
            "unknown_provider_family",
            "provider"),
        ["outcome without an outcome"] = new(
            (http, intents) => Raw(http, $"/v1/intent/{intents.Open}/outcome", """{"actual_cost":1}"""),
            400,
            "validation_failed",
            "outcome"),
        ["outcome whose response headers are not pairs"] = new(
            (http, intents) => Raw(
                http,
                $"/v1/intent/{intents.Open}/outcome",
                """{"outcome":"completed","response":{"status":200,"headers":[[1,2]]}}"""),
            400,
            "validation_failed",
            "response.headers[0]"),
        ["outcome for an unknown intent"] = new(
            (http, _) => Outcome(http, Guid.CreateVersion7().ToString(), "completed"),
            404,
            "intent_not_found",
            "intent_id"),
        ["outcome for an intent id that is not one"] = new(
            (http, _) => Outcome(http, "not-a-guid", "completed"),
            400,
            "invalid_intent_id",
            "intent_id"),
        ["outcome twice for the same intent"] = new(
            (http, intents) => Outcome(http, intents.Settled, "completed"),
            409,
            "intent_already_settled",
            "intent_id"),
        ["outcome for a denied intent"] = new(
            (http, intents) => Outcome(http, intents.Denied, "completed"),
            409,
            "intent_denied",
            "intent_id"),
        ["outcome named expired by the agent"] = new(
            (http, intents) => Outcome(http, intents.Open, "expired"),
            400,
            "validation_failed",
            "outcome"),
        ["events after a negative position"] = Query("after=-1", "after"),
        ["events with limit 0"] = Query("limit=0", "limit"),
        ["events with a limit over the page size"] = Query("limit=1001", "limit"),
        ["events with a limit beyond 32 bits"] = Query("limit=4294967297", "limit"),
        ["events with a limit that is not a number"] = Query("limit=ten", "limit"),
        ["events with stream neither true nor false"] = Query("stream=maybe", "stream"),
        ["events of a type that does not exist"] = Query("type=intent_decidd", "type"),
        ["events of a type streamed"] = Query("stream=true&type=decided", "type"),
        ["identity registered twice"] = new(
            (http, _) => http.PostJsonAsync(
                "/v1/identities", new { IdentityId = Identity, Kind = "pat", Provider = "github" }),
            409,
            "identity_exists",
            "identity_id"),
        ["identity without provider"] = new(
            (http, _) => http.PostJsonAsync("/v1/identities", new { IdentityId = "pat:new", Kind = "pat" }),
            400,
            "validation_failed",
            "provider"),
        ["delete of an unknown identity"] = new(
            (http, _) => http.DeleteAsync("/v1/identities/pat:nobody", TestContext.Current.CancellationToken),
            404,
            "identity_not_found",
            "identity_id"),
    };

    private readonly TempDirectory _directory = new();
    private InProcessDaemon _daemon = null!;

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    public async ValueTask InitializeAsync() =>
        _daemon = await InProcessDaemon.StartAsync(_directory.File("ratelord.db"));

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task BadRequest_GetsAProblemNamingItsCause_AndLeavesTheLogUnchanged(string name)
    {
        var bad = Cases[name];
        var http = _daemon.Http;
        await http.RegisterIdentityAsync(Identity);
        var date = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);
        await http.ObserveAsync(ProviderBodies.GitHub(Identity, date, 5000, 4999, date.AddHours(1)));
        var settled = (await http.SubmitIntentAsync("agent-1", Identity)).Text("intent_id");
        await http.ReportOutcomeAsync(settled, new { Outcome = "completed" });
        var open = (await http.SubmitIntentAsync("agent-1", Identity)).Text("intent_id");
        var denied = await http.SubmitIntentAsync("agent-1", "pat:nobody");
        Assert.Equal("deny_with_reason", denied.Text("decision"));
        var before = await http.LastPositionAsync();
        var eventsBefore = await http.ReadAllEventsAsync();

        using var response = await bad.Send(http, new Intents(settled, open, denied.Text("intent_id")));

        var problem = await Api.AssertProblemAsync(response, bad.Status, bad.Code);
        if (bad.Field is { } field)
        {
            Assert.Contains(field, Api.ErrorFields(problem));
        }

        Assert.Equal(before, await http.LastPositionAsync());
        Assert.Equal(
            eventsBefore.Select(e => e.GetRawText()),
            (await http.ReadAllEventsAsync()).Select(e => e.GetRawText()));
        var health = await http.GetJsonAsync("/v1/health");
        Assert.Equal("ok", health.Text("status"));
    }

    [Fact]
    public async Task BadRequest_ReportsEveryBadFieldTogether()
    {
        var response = await _daemon.Http.PostJsonAsync(
            "/v1/intent", new { Urgency = "soon", ExpectedCost = -2, MaxWaitSeconds = -1 });

        var problem = await Api.AssertProblemAsync(response, 400, "validation_failed");

        Assert.Superset(
            new HashSet<string>
            {
                "agent_id", "identity_id", "workload_id", "scope_id", "urgency", "expected_cost", "max_wait_seconds",
            },
            Api.ErrorFields(problem).ToHashSet());
    }

    private static object Intent(string? urgency = null, double? expectedCost = null) =>
        new
        {
            AgentId = "a",
            IdentityId = Identity,
            WorkloadId = "default",
            ScopeId = "global",
            Urgency = urgency,
            ExpectedCost = expectedCost,
        };

    private static Task<HttpResponseMessage> Raw(HttpClient http, string path, string json) =>
        http.PostAsync(
            path,
            new StringContent(json, Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

    private static Task<HttpResponseMessage> Outcome(HttpClient http, string intentId, string outcome) =>
        http.PostJsonAsync($"/v1/intent/{intentId}/outcome", new { Outcome = outcome });

    private static BadRequest Query(string query, string field) =>
        new(
            (http, _) => http.GetAsync($"/v1/events?{query}", TestContext.Current.CancellationToken),
            400,
            "invalid_query",
            field);

    /// <summary>Intents of the setup a bad request may name: settled, approved and still open, denied.</summary>
    private sealed record Intents(string Settled, string Open, string Denied);

    private sealed record BadRequest(
        Func<HttpClient, Intents, Task<HttpResponseMessage>> Send,
        int Status,
        string Code,
        string? Field);
}
