using System.Net;
using System.Text.Json;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Host;

/// <summary>The HTTP contract of each endpoint, used the way an agent or an operator uses it.</summary>
public sealed class EndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private InProcessDaemon _daemon = null!;

    private HttpClient Http => _daemon.Http;

    private string DbPath => _directory.File("ratelord.db");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _daemon = await InProcessDaemon.StartAsync(DbPath);

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Identities_AreRegisteredListedAndDeleted_AndADeletedIdentitysIntentIsDenied()
    {
        var registered = await Http.PostForJsonAsync(
            "/v1/identities",
            new
            {
                IdentityId = "pat:one",
                Kind = "pat",
                Provider = "github",
                Pools = new[] { new { Pool = "core", SharedKey = "shared:acme" } },
                Metadata = new Dictionary<string, string> { ["team"] = "platform" },
            },
            HttpStatusCode.Created);
        await Http.RegisterIdentityAsync("pat:two", provider: "openai", kind: "api_key");

        var duplicate = await Http.PostJsonAsync(
            "/v1/identities", new { IdentityId = "pat:one", Kind = "pat", Provider = "github" });
        var unknownDelete = await Http.DeleteAsync("/v1/identities/pat:three", Cancellation);
        var listed = await Http.GetJsonAsync("/v1/identities");
        var deleted = await Http.DeleteAsync("/v1/identities/pat:one", Cancellation);
        var afterDelete = await Http.GetJsonAsync("/v1/identities");
        var intent = await Http.SubmitIntentAsync("agent-1", "pat:one");

        Assert.Equal("pat:one", registered.Text("identity_id"));
        Assert.Equal("shared:acme", registered.GetProperty("pools")[0].Text("shared_key"));
        Assert.Equal("platform", registered.GetProperty("metadata").Text("team"));
        await Api.AssertProblemAsync(duplicate, 409, "identity_exists");
        await Api.AssertProblemAsync(unknownDelete, 404, "identity_not_found");
        Assert.Equal(["pat:one", "pat:two"], listed.Each("identities", "identity_id"));
        Assert.Equal(["github", "openai"], listed.Each("identities", "provider"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(["pat:two"], afterDelete.Each("identities", "identity_id"));
        Assert.Equal("deny_with_reason", intent.Text("decision"));
        Assert.Equal("identity_deleted", intent.Text("reason"));
        var events = await Http.ReadAllEventsAsync();
        Assert.Contains(events, e => e.Text("type") == "identity_deleted" && e.Text("identity_id") == "pat:one");
    }

    [Theory]
    [InlineData("/v1/identities/app:acme/ci")]
    [InlineData("/v1/identities/app%3Aacme%2Fci")]
    public async Task Identity_WhoseIdHoldsASlash_CanBeDeleted_AsWrittenOrEscaped(string path)
    {
        await Http.RegisterIdentityAsync("app:acme/ci");

        using var deleted = await Http.DeleteAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await Http.GetJsonAsync("/v1/identities")).Each("identities", "identity_id"));
    }

    [Fact]
    public async Task Identity_RegisteredAgainAfterDeletion_IsAdmittedAgain()
    {
        await Http.RegisterIdentityAsync("pat:phoenix");
        (await Http.DeleteAsync("/v1/identities/pat:phoenix", Cancellation)).EnsureSuccessStatusCode();

        await Http.RegisterIdentityAsync("pat:phoenix");
        var intent = await Http.SubmitIntentAsync("agent-1", "pat:phoenix");

        Assert.Equal("approve", intent.Text("decision"));
    }

    [Fact]
    public async Task Observation_ReturnsTheReading_AndUpdatesThePool()
    {
        await Http.RegisterIdentityAsync("pat:obs");
        var date = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);

        var reading = await Http.ObserveAsync(
            ProviderBodies.GitHub("pat:obs", date, 5000, 4990, reset: date.AddSeconds(1800), used: 10));
        var pools = await Http.GetJsonAsync("/v1/pools");

        Assert.Equal("github", reading.Text("family"));
        Assert.False(reading.GetProperty("limited").GetBoolean());
        Assert.True(reading.IsNull("retry_after_s"));
        Assert.Equal(date, reading.GetProperty("response_date").GetDateTimeOffset());
        var poolReading = Assert.Single(reading.GetProperty("pools").EnumerateArray());
        Assert.Equal("core", poolReading.Text("pool"));
        Assert.Equal(5000, poolReading.GetProperty("limit").GetDouble());
        Assert.Equal(4990, poolReading.GetProperty("remaining").GetDouble());
        Assert.Equal(10, poolReading.GetProperty("used").GetDouble());
        Assert.Equal(1800, poolReading.GetProperty("reset_in_s").GetDouble());
        Assert.Equal(["github/core@pat:obs"], reading.Strings("updated_pools"));

        var pool = Assert.Single(pools.GetProperty("pools").EnumerateArray());
        Assert.Equal("github/core@pat:obs", pool.Text("pool_id"));
        Assert.Equal("pat:obs", pool.Text("identity_id"));
        Assert.Equal(5000, pool.GetProperty("limit").GetDouble());
        Assert.Equal(4990, pool.GetProperty("remaining").GetDouble());
        Assert.Equal(10, pool.GetProperty("used").GetDouble());
        Assert.Equal(0, pool.GetProperty("reserved").GetDouble());
        Assert.Equal(4990, pool.GetProperty("available").GetDouble());
        Assert.Equal(
            pool.GetProperty("last_observed_at").GetDateTimeOffset().AddSeconds(1800),
            pool.GetProperty("reset_at").GetDateTimeOffset());
        Assert.False(string.IsNullOrEmpty(pool.GetProperty("forecast").Text("model")), "A forecast names its model.");
    }

    [Fact]
    public async Task Observation_OfAnExhaustedGitHubPool_IsLimited_AndThrottlesThePoolUntilItsReset()
    {
        await Http.RegisterIdentityAsync("pat:dry");
        var date = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);

        var reading = await Http.ObserveAsync(
            ProviderBodies.GitHub("pat:dry", date, 5000, 0, date.AddSeconds(120), status: 403));
        var pool = (await Http.GetJsonAsync("/v1/pools")).GetProperty("pools")[0];
        var intent = await Http.SubmitIntentAsync("agent-1", "pat:dry", maxWaitSeconds: 0);

        Assert.True(reading.GetProperty("limited").GetBoolean());
        Assert.Equal(120, reading.GetProperty("retry_after_s").GetDouble());
        Assert.Equal(0, reading.GetProperty("pools")[0].GetProperty("remaining").GetDouble());
        Assert.Equal(
            pool.GetProperty("last_observed_at").GetDateTimeOffset().AddSeconds(120),
            pool.GetProperty("throttled_until").GetDateTimeOffset());
        Assert.Equal("critical", pool.Text("status"));
        Assert.Equal("deny_with_reason", intent.Text("decision"));
        Assert.Equal("wait_exceeds_max_wait", intent.Text("reason"));
    }

    [Fact]
    public async Task Outcome_WithProviderHeaders_SetsThePoolToTheReading()
    {
        await Http.RegisterIdentityAsync("pat:out");
        var date = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);
        await Http.ObserveAsync(ProviderBodies.GitHub("pat:out", date, 100, 50, date.AddSeconds(600)));
        var intent = await Http.SubmitIntentAsync("agent-1", "pat:out", urgency: "high");
        var reserved = (await Http.GetJsonAsync("/v1/pools")).GetProperty("pools")[0].Number("reserved");

        var outcome = await Http.ReportOutcomeAsync(
            intent.Text("intent_id"),
            new
            {
                Outcome = "completed",
                ActualCost = 1,
                Response = new
                {
                    Status = 200,
                    Headers = ProviderBodies.GitHubHeaders(date, 100, 40, date.AddSeconds(600)),
                },
            });
        var pool = (await Http.GetJsonAsync("/v1/pools")).GetProperty("pools")[0];

        Assert.Equal("approve", intent.Text("decision"));
        Assert.Equal(1, reserved);
        Assert.Equal(intent.Text("intent_id"), outcome.Text("intent_id"));
        Assert.Equal("completed", outcome.Text("outcome"));
        Assert.Equal(40, outcome.GetProperty("reading").GetProperty("pools")[0].GetProperty("remaining").GetDouble());
        Assert.Equal(["github/core@pat:out"], outcome.Strings("updated_pools"));
        Assert.Equal(40, pool.GetProperty("remaining").GetDouble());
        Assert.Equal(0, pool.GetProperty("reserved").GetDouble());
    }

    [Fact]
    public async Task Outcome_WithoutProviderHeaders_ChargesThePool()
    {
        await Http.RegisterIdentityAsync("pat:out");
        var date = ProviderBodies.WholeSecond(DateTimeOffset.UtcNow);
        await Http.ObserveAsync(ProviderBodies.GitHub("pat:out", date, 100, 50, date.AddSeconds(600)));
        var intent = await Http.SubmitIntentAsync("agent-1", "pat:out", urgency: "high");

        var outcome = await Http.ReportOutcomeAsync(intent.Text("intent_id"), new { Outcome = "completed" });
        var pool = (await Http.GetJsonAsync("/v1/pools")).GetProperty("pools")[0];

        Assert.True(outcome.IsNull("reading"));
        Assert.Empty(outcome.GetProperty("updated_pools").EnumerateArray());
        Assert.Equal(49, pool.GetProperty("remaining").GetDouble());
        Assert.Equal(0, pool.GetProperty("reserved").GetDouble());
    }

    [Fact]
    public async Task Events_ArePagedWithAfterAndLimit_FromPositionOneWithoutGaps()
    {
        await Http.RegisterIdentityAsync("pat:pages");
        for (var i = 0; i < 3; i++)
        {
            await Http.SubmitIntentAsync($"agent-{i}", "pat:pages");
        }

        var first = await Http.GetJsonAsync("/v1/events?limit=2");
        var positions = new List<long>();
        var pages = 0;
        long after = 0;
        while (true)
        {
            var page = await Http.GetJsonAsync($"/v1/events?after={after}&limit=2");
            var events = page.GetProperty("events").EnumerateArray().ToList();
            Assert.True(events.Count <= 2, "A page holds at most limit events.");
            if (events.Count == 0)
            {
                Assert.Equal(after, page.GetProperty("next_after").GetInt64());
                break;
            }

            positions.AddRange(events.Select(e => e.GetProperty("position").GetInt64()));
            Assert.Equal(positions[^1], page.GetProperty("next_after").GetInt64());
            after = page.GetProperty("next_after").GetInt64();
            pages++;
        }

        var last = first.GetProperty("last_position").GetInt64();
        Assert.Equal(
            [1L, 2L],
            first.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("position").GetInt64()));
        Assert.Equal(2, first.GetProperty("next_after").GetInt64());
        Assert.Equal(Enumerable.Range(1, (int)last).Select(p => (long)p), positions);
        Assert.Equal((last + 1) / 2, pages);
        Assert.Equal("system_started", first.GetProperty("events")[0].Text("type"));
        Assert.Equal(
            3,
            (await Http.ReadAllEventsAsync()).Count(e => e.Text("type") == "intent_decided"));
    }

    [Fact]
    public async Task Events_OfOneType_ArePagedWithAfterAndLimit()
    {
        await Http.RegisterIdentityAsync("pat:typed");
        for (var i = 0; i < 3; i++)
        {
            await Http.SubmitIntentAsync($"agent-{i}", "pat:typed");
            await Http.RegisterIdentityAsync($"pat:typed-{i}");
        }

        var decided = (await Http.ReadAllEventsAsync())
            .Where(e => e.Text("type") == "intent_decided")
            .Select(e => e.GetProperty("position").GetInt64())
            .ToList();

        var first = await Http.GetJsonAsync("/v1/events?type=intent_decided&limit=2");
        var next = first.GetProperty("next_after").GetInt64();
        var rest = await Http.GetJsonAsync($"/v1/events?type=intent_decided&after={next}&limit=1000");

        Assert.Equal(3, decided.Count);
        Assert.Equal(decided[..2], Positions(first));
        Assert.Equal(decided[1], next);
        Assert.Equal(decided[2..], Positions(rest));
        Assert.Equal(rest.GetProperty("last_position").GetInt64(), rest.GetProperty("next_after").GetInt64());
        Assert.All(
            rest.GetProperty("events").EnumerateArray().Concat(first.GetProperty("events").EnumerateArray()),
            e => Assert.Equal("intent_decided", e.Text("type")));

        static List<long> Positions(JsonElement page) =>
            [.. page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("position").GetInt64())];
    }

    [Fact]
    public async Task EventStream_DeliversAnEventAppendedAfterItOpened()
    {
        await Http.RegisterIdentityAsync("pat:live");
        var last = await Http.LastPositionAsync();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(Poll.DefaultDeadline);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/events?stream=true&after={last}");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
        using var reader = new StreamReader(stream);

        var intent = await Http.SubmitIntentAsync("agent-live", "pat:live");
        var (id, data) = await ReadUntilEventAsync(reader, "intent_decided", deadline.Token);

        Assert.True(id > last, $"The stream starts after position {last}; it sent {id}.");
        Assert.Equal("intent_decided", data.Text("type"));
        Assert.Equal(id, data.GetProperty("position").GetInt64());
        Assert.Equal(intent.Text("intent_id"), data.GetProperty("payload").Text("intent_id"));
        Assert.Equal(intent.Text("decision"), data.GetProperty("payload").Text("verdict"));
    }

    [Fact]
    public async Task EventStream_ResumesAfterTheLastEventId()
    {
        await Http.RegisterIdentityAsync("pat:resume");
        await Http.RegisterIdentityAsync("pat:resume-2");
        var last = await Http.LastPositionAsync();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(Poll.DefaultDeadline);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events?stream=true");
        request.Headers.Add("Last-Event-ID", (last - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
        using var reader = new StreamReader(stream);

        var (id, data) = await ReadUntilEventAsync(reader, "identity_registered", deadline.Token);

        Assert.Equal(last, id);
        Assert.Equal("pat:resume-2", data.GetProperty("payload").Text("identity_id"));
    }

    [Fact]
    public async Task Health_ReportsTheLastPositionOfTheLog()
    {
        var before = await Http.GetJsonAsync("/v1/health");
        await Http.RegisterIdentityAsync("pat:health");
        await Http.SubmitIntentAsync("agent-1", "pat:health");

        var after = await Http.GetJsonAsync("/v1/health");

        Assert.Equal("ok", after.Text("status"));
        Assert.Equal("sqlite", after.Text("store"));
        Assert.Equal(Path.GetFullPath(DbPath), after.Text("db_path"));
        Assert.Equal("builtin", after.Text("policy_version"));
        Assert.Equal(before.GetProperty("last_position").GetInt64() + 3, after.GetProperty("last_position").GetInt64());
        Assert.Equal(await Http.LastPositionAsync(), after.GetProperty("last_position").GetInt64());
        Assert.Equal((await Http.ReadAllEventsAsync()).Count, after.GetProperty("last_position").GetInt64());
    }

    /// <summary>Reads server-sent event lines until an event of the given type; returns its id and data.</summary>
    private static async Task<(long Id, JsonElement Data)> ReadUntilEventAsync(
        StreamReader reader,
        string type,
        CancellationToken cancellationToken)
    {
        long id = 0;
        string? eventType = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventType = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventType == type)
            {
                using var document = JsonDocument.Parse(line[6..]);

                return (id, document.RootElement.Clone());
            }
        }

        throw new InvalidOperationException($"The stream ended before an event of type {type}.");
    }
}
