using System.Text.Json;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Host;

/// <summary>The OpenAPI document the daemon serves: what a client generator or a reader of the API gets.</summary>
public sealed class OpenApiTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private InProcessDaemon _daemon = null!;

    public async ValueTask InitializeAsync() =>
        _daemon = await InProcessDaemon.StartAsync(_directory.File("ratelord.db"));

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Document_DescribesEveryRouteOfTheApi()
    {
        var document = await _daemon.Http.GetJsonAsync("/openapi/v1.json");

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] documented =
        [
            "/v1/intent", "/v1/intent/{intentId}/outcome", "/v1/observations", "/v1/pools", "/v1/forecasts",
            "/v1/identities", "/v1/identities/{identityId}", "/v1/events", "/v1/health", "/v1/providers",
            "/v1/policy", "/v1/intents", "/v1/intents/{intentId}", "/healthz", "/readyz",
        ];
        Assert.All(documented, path => Assert.Contains(path, paths));
        Assert.DoesNotContain("/", paths);
    }

    [Fact]
    public async Task SubmitIntent_HasItsSnakeCaseBody_ItsRequiredFields_AndItsProblems()
    {
        var document = await _daemon.Http.GetJsonAsync("/openapi/v1.json");

        var post = document.GetProperty("paths").GetProperty("/v1/intent").GetProperty("post");
        Assert.Equal("#/components/schemas/IntentRequest", SchemaRef(post.GetProperty("requestBody")));
        var responses = post.GetProperty("responses");
        Assert.Equal("#/components/schemas/IntentResponse", SchemaRef(responses.GetProperty("200")));
        Assert.True(
            responses.GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _),
            "a bad intent is answered with problem details");

        var request = document.GetProperty("components").GetProperty("schemas").GetProperty("IntentRequest");
        var required = request.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order();
        Assert.Equal(["agent_id", "identity_id", "scope_id", "workload_id"], required);
        var fields = request.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("expected_cost", fields);
        Assert.Contains("max_wait_seconds", fields);
        Assert.Contains("urgency", fields);
    }

    private static string? SchemaRef(JsonElement withContent) =>
        withContent.GetProperty("content").GetProperty("application/json").GetProperty("schema")
            .GetProperty("$ref").GetString();
}
