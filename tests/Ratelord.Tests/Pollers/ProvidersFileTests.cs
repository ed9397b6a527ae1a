using Ratelord.Host.Configuration;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Pollers;

/// <summary>The providers file as an operator writes it: defaults filled in, every mistake named at once.</summary>
public sealed class ProvidersFileTests : IDisposable
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["GITHUB_TOKEN"] = "ghp_x",
        ["OPENAI_KEY"] = "sk",
    };

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Load_FillsInEachKindsDefaults()
    {
        var document = Load("""
            providers:
              - id: github-ci
                kind: github
                base_url: https://api.github.com
                identity_id: pat:ci-bot
                credential_env: GITHUB_TOKEN
              - id: openai-main
                kind: openai
                base_url: https://api.openai.com
                identity_id: key:openai
                credential_env: OPENAI_KEY
                model: gpt-4o-mini
                interval: 5m
              - id: anthropic-main
                kind: anthropic
                base_url: https://api.anthropic.com/
                identity_id: key:anthropic
                request: { body: '{"model":"claude-haiku-4-5","max_tokens":1,"messages":[]}' }
              - id: gateway
                kind: generic
                base_url: http://127.0.0.1:9000/api
                identity_id: svc:gateway
                family: ietf
                request: { path: /quota?scope=all, headers: { X-Tenant: acme } }
                stale_after: 30s
                unknown_after: 2m
            """);

        var github = document.Providers[0];
        Assert.Equal("GET https://api.github.com/rate_limit", github.Endpoint);
        Assert.Equal(
            ("github", "Authorization", "Bearer "),
            (github.Family, github.CredentialHeader, github.CredentialPrefix));
        Assert.Equal("2022-11-28", github.Headers["X-GitHub-Api-Version"]);
        Assert.Equal(
            (TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(180), TimeSpan.FromSeconds(600), TimeSpan.FromSeconds(10)),
            (github.Interval, github.StaleAfter, github.UnknownAfter, github.Timeout));

        var openAi = document.Providers[1];
        Assert.Equal("POST https://api.openai.com/v1/chat/completions", openAi.Endpoint);
        Assert.Contains("\"max_tokens\":1", openAi.Body, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"gpt-4o-mini\"", openAi.Body, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(15), openAi.StaleAfter);

        var anthropic = document.Providers[2];
        Assert.Equal("POST https://api.anthropic.com/v1/messages", anthropic.Endpoint);
        Assert.Equal(("x-api-key", ""), (anthropic.CredentialHeader, anthropic.CredentialPrefix));
        Assert.Equal("2023-06-01", anthropic.Headers["anthropic-version"]);
        Assert.Null(anthropic.CredentialEnv);

        var gateway = document.Providers[3];
        Assert.Equal(new Uri("http://127.0.0.1:9000/api/quota?scope=all"), gateway.RequestUri);
        Assert.Equal("GET http://127.0.0.1:9000/api/quota", gateway.Endpoint);
        Assert.Equal(("ietf", "acme"), (gateway.Family, gateway.Headers["X-Tenant"]));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)), (gateway.StaleAfter, gateway.UnknownAfter));
    }

    [Fact]
    public void Load_NamesEveryMistake_WithItsLine_AtOnce()
    {
        var error = Assert.Throws<ProvidersFileException>(() => Load("""
            providers:
              - id: a
                kind: gitlab
                base_url: https://user:pass@example.com
                identity_id: pat:a
              - kind: openai
                base_url: https://api.openai.com
                identity_id: key:o
                credential_env: MISSING_KEY
                interval: soon
                colour: blue
              - id: c
                kind: github
                base_url: ftp://example.com
                identity_id: pat:c
                credential_env: sk-live-1234
                stale_after: 10m
                unknown_after: 1m
                family: twitter
            polling: fast
            """));

        string[] expected =
        [
            ":20: unknown section 'polling'",
            ":2: providers[0]: kind 'gitlab' is unknown",
            ":2: providers[0]: base_url must hold no user information",
            ":6: providers[1]: unknown setting 'colour'",
            ":6: providers[1]: id is required",
            ":6: providers[1]: interval 'soon' is not a duration",
            ":6: providers[1]: credential_env MISSING_KEY is not set in the daemon's environment",
            ":6: providers[1]: the poll sends a cheap request",
            ":12: providers[2]: base_url 'ftp://example.com' is not an http or https URL",
            ":12: providers[2]: family 'twitter' is unknown",
            ":12: providers[2]: unknown_after (60s) is shorter than stale_after (600s)",
            ":12: providers[2]: credential_env is not an environment variable name",
        ];
        Assert.All(expected, part => Assert.Contains(error.Errors, e => e.Contains(part, StringComparison.Ordinal)));
        Assert.Equal(expected.Length, error.Errors.Count);
        Assert.DoesNotContain("sk-live-1234", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesTwoProvidersWithOneId()
    {
        var error = Assert.Throws<ProvidersFileException>(() => Load("""
            providers:
              - { id: a, kind: github, base_url: https://api.github.com, identity_id: pat:a }
              - { id: a, kind: github, base_url: https://api.github.com, identity_id: pat:b }
            """));

        Assert.Contains("id 'a' is used twice", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RefusesAFileWithoutAProvidersList()
    {
        Assert.Contains(
            "needs a 'providers' list",
            Assert.Single(Assert.Throws<ProvidersFileException>(() => Load("workloads: {}")).Errors),
            StringComparison.Ordinal);
        Assert.Contains(
            "'providers' must be a list",
            Assert.Single(Assert.Throws<ProvidersFileException>(() => Load("providers: 3")).Errors),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250ms", 0.25)]
    [InlineData("30s", 30)]
    [InlineData("1.5s", 1.5)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    [InlineData("45", 45)]
    public void Durations_AreReadInTheirUnits(string text, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ProvidersFile.ParseDuration(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("5 minutes")]
    [InlineData("1e400")]
    [InlineData("NaN")]
    public void Durations_ThatAreNoneOrNotAboveZero_AreRefused(string text)
    {
        Assert.Null(ProvidersFile.ParseDuration(text));
    }

    [Fact]
    public void Settings_TakeTheProvidersFile_FromTheOptionOrTheVariable()
    {
        var path = _directory.File("providers.yaml");
        File.WriteAllText(path, "providers: []");

        var fromOption = DaemonSettings.Load(["--providers", path], _ => null);
        var fromVariable = DaemonSettings.Load([], name => name == "RATELORD_PROVIDERS_PATH" ? path : null);
        var missing = Assert.Throws<SettingsException>(
            () => DaemonSettings.Load(["--providers", _directory.File("nope.yaml")], _ => null));

        Assert.Equal(path, fromOption.ProvidersPath);
        Assert.Equal(path, fromVariable.ProvidersPath);
        Assert.Contains("providers file", Assert.Single(missing.Errors), StringComparison.Ordinal);
        Assert.Contains("--providers", DaemonSettings.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_RefusesToStart_WithABadProvidersFile_AndSaysWhy()
    {
        var path = _directory.File("providers.yaml");
        await File.WriteAllTextAsync(
            path,
            "providers:\n  - id: x\n    kind: carrier-pigeon\n",
            TestContext.Current.CancellationToken);

        var (exitCode, _, errors) = await DaemonProcess.RunToExitAsync(
            _directory.Path,
            "--port", "0", "--db", _directory.File("ratelord.db"), "--providers", path);

        Assert.Equal(2, exitCode);
        Assert.Contains("kind 'carrier-pigeon' is unknown", errors, StringComparison.Ordinal);
        Assert.Contains("base_url is required", errors, StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.File("ratelord.db")), "the log is not opened on a refused configuration");
    }

    private ProvidersDocument Load(string yaml)
    {
        var path = _directory.File("providers.yaml");
        File.WriteAllText(path, yaml);

        return ProvidersFile.Load(path, name => Environment.GetValueOrDefault(name));
    }
}
