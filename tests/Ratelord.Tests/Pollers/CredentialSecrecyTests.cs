using System.Text;
using System.Text.Json;
using Ratelord.Tests.Infrastructure;
using static Ratelord.Tests.Pollers.ProviderAnswers;

namespace Ratelord.Tests.Pollers;

/// <summary>
/// A run of <c>ratelord-d</c> as a process, with credentials configured and providers that echo them
/// back (in a body, in a pool's name, in an error message), leaves no credential value in the
/// database file, in any API answer or in what the daemon wrote to its console.
/// </summary>
public sealed class CredentialSecrecyTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task NoCredentialValue_IsInTheDatabase_TheAnswers_OrTheLog()
    {
        var github = PollingSetup.Credential("github");
        var openAi = PollingSetup.Credential("openai");
        await using var gitHubServer = await LoopbackProvider.StartAsync(request =>
        {
            var token = request.Headers.GetValueOrDefault("Authorization", "")["Bearer ".Length..];
            var now = DateTimeOffset.UtcNow;
            var answer = GitHubRateLimit(now, Epoch(now) + 600, Epoch(now) + 60, Epoch(now) + 600);

            // A careless provider: the token comes back in a header, and as the name of a resource.
            var body = answer.Body!.Replace(
                "\"code_search\"",
                JsonSerializer.Serialize(token),
                StringComparison.Ordinal);

            return answer with { Headers = [.. answer.Headers, ("X-Echo-Authorization", token)], Body = body };
        });
        await using var openAiServer = await LoopbackProvider.StartAsync(request =>
        {
            var key = request.Headers.GetValueOrDefault("Authorization", "");

            // OpenAI masks the key it refuses; this server does not.
            return new Answer(
                401,
                [("Date", HttpDate(DateTimeOffset.UtcNow))],
                JsonSerializer.Serialize(new
                {
                    error = new { message = $"Incorrect API key provided: {key}", type = "invalid_request_error" },
                }));
        });
        var providers = PollingSetup.ProvidersFile(
            _directory,
            $"""
            id: github-ci
            kind: github
            base_url: {gitHubServer.BaseAddress}
            identity_id: pat:ci-bot
            credential_env: {github.Variable}
            interval: 200ms
            """,
            $"""
            id: openai-main
            kind: openai
            base_url: {openAiServer.BaseAddress}
            identity_id: key:openai
            credential_env: {openAi.Variable}
            model: gpt-4o-mini
            interval: 200ms
            max_backoff: 400ms
            """);
        var dbPath = _directory.File("ratelord.db");
        var answers = new List<string>();
        await using (var daemon = await DaemonProcess.StartAsync(dbPath, "--providers", providers))
        {
            async Task<JsonElement> GetAsync(string path)
            {
                var text = await daemon.Http.GetStringAsync(path);
                answers.Add(text);

                return JsonDocument.Parse(text).RootElement.Clone();
            }

            await Poll.UntilAsync(
                async () => (await GetAsync("/v1/providers")).GetProperty("providers").EnumerateArray()
                    .Count(p => p.GetProperty("polls").GetInt64() >= 3) == 2,
                "both providers are polled a few times");

            var listed = await GetAsync("/v1/providers");
            var openAiStatus = listed.GetProperty("providers").EnumerateArray()
                .Single(p => p.Text("provider_id") == "openai-main");
            Assert.Equal("auth", openAiStatus.GetProperty("last_error").Text("kind"));
            var message = openAiStatus.GetProperty("last_error").Text("message");
            Assert.Contains("[redacted]", message, StringComparison.Ordinal);
            var pools = await GetAsync("/v1/pools");
            Assert.Contains(
                pools.GetProperty("pools").EnumerateArray(),
                p => p.Text("pool_id") == "github/[redacted]@pat:ci-bot");
            await GetAsync("/v1/health");
            await GetAsync("/v1/identities");
            answers.AddRange((await daemon.Http.ReadAllEventsAsync()).Select(e => e.GetRawText()));
            answers.Add(daemon.Output);
            answers.Add(daemon.Errors);
        }

        foreach (var secret in new[] { github.Secret, openAi.Secret })
        {
            foreach (var file in Directory.GetFiles(_directory.Path, "ratelord.db*"))
            {
                var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
                Assert.True(
                    IndexOf(bytes, Encoding.UTF8.GetBytes(secret)) < 0
                        && IndexOf(bytes, Encoding.Unicode.GetBytes(secret)) < 0,
                    $"{Path.GetFileName(file)} holds a credential value");
            }

            Assert.All(answers, answer => Assert.DoesNotContain(secret, answer, StringComparison.Ordinal));
        }

        Assert.True(answers.Count >= 6, "the answers were scanned");
        Assert.True(File.Exists(dbPath), "the database file was scanned");
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
