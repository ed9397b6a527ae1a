using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ratelord.Tests.Infrastructure;
using Ratelord.Tests.Policies;

namespace Ratelord.Tests.Host;

/// <summary>
/// The policy file edited under a running daemon, as an operator does it: the daemon as its own process, the
/// file rewritten in place, and SIGHUP. A valid edit changes the next decision with no restart; a broken one is
/// refused with every error, the policy in force stays, and each refusal is an event.
/// </summary>
public sealed class PolicyHotReloadTests : IDisposable
{
    private const string Identity = "pat:reload";

    private const string NoRules = """
        policies: []
        """;

    private const string DenyBelowHundred = PolicyDecisionTests.DenyBelowHundred;

    // Two mistakes: an unknown name in a condition (line 6) and an action that does not exist (line 7).
    private const string Broken = """
        policies:
          - id: floor
            scope: global
            rules:
              - name: keep-hundred
                condition: "pool.remainder < 100"
                action: refuse
        """;

    private readonly TempDirectory _directory = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task EditingThePolicyFile_ChangesTheNextDecision_AndABrokenEditKeepsTheOldPolicyAndListsEveryError()
    {
        var path = _directory.File("policy.yaml");
        await File.WriteAllTextAsync(path, NoRules, Cancellation);
        await using var daemon = await DaemonProcess.StartAsync(_directory.File("ratelord.db"), "--policy", path);
        var http = daemon.Http;
        await http.RegisterIdentityAsync(Identity);
        var now = DateTimeOffset.UtcNow;
        await http.ObserveAsync(ProviderBodies.GitHub(Identity, now, 5000, 90, now.AddMinutes(10)));

        var before = await http.SubmitIntentAsync("agent-1", Identity, urgency: "high");
        var first = await PolicyVersionAsync(http);

        // The rule is written into the running daemon's file: the next decision follows it.
        await File.WriteAllTextAsync(path, DenyBelowHundred, Cancellation);
        await Poll.UntilAsync(async () => await PolicyVersionAsync(http) != first, "the edited file is in force");
        var denied = await http.SubmitIntentAsync("agent-1", Identity, urgency: "high", debug: true);
        var second = await PolicyVersionAsync(http);

        // A broken edit: refused whole, every error with file and line, the rule above still decides.
        await File.WriteAllTextAsync(path, Broken, Cancellation);
        // An editor's save may be read half-way (an empty file, itself refused), so the wait is for this file's errors.
        await Poll.UntilAsync(
            async () => (await http.GetJsonAsync("/v1/policy")).GetProperty("last_reload").GetProperty("errors")
                .EnumerateArray().Any(e => e.GetString()!.Contains("remainder", StringComparison.Ordinal)),
            "the broken edit is refused");
        var policy = await http.GetJsonAsync("/v1/policy");
        var stillDenied = await http.SubmitIntentAsync("agent-1", Identity, urgency: "high");

        Assert.Equal("approve", before.Text("decision"));
        Assert.Equal("deny_with_reason", denied.Text("decision"));
        Assert.Equal("below_floor", denied.Text("reason"));
        Assert.Contains(
            "floor/keep-hundred",
            denied.GetProperty("evaluation").GetProperty("rules_fired").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(second, policy.Text("version"));
        var reload = policy.GetProperty("last_reload");
        Assert.False(reload.GetProperty("accepted").GetBoolean());
        var errors = reload.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.StartsWith($"{path}:", e, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("remainder", StringComparison.Ordinal));
        Assert.Equal("deny_with_reason", stillDenied.Text("decision"));
        Assert.Equal("below_floor", stillDenied.Text("reason"));
    }

    [Fact]
    public async Task Sighup_ReloadsTheFile_AndTheDaemonKeepsRunning()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGHUP is a POSIX signal.");
        var path = _directory.File("policy.yaml");
        await File.WriteAllTextAsync(path, NoRules, Cancellation);
        await using var daemon = await DaemonProcess.StartAsync(_directory.File("ratelord.db"), "--policy", path);
        var http = daemon.Http;
        await File.WriteAllTextAsync(path, Broken, Cancellation);
        await Poll.UntilAsync(async () => (await RejectionsAsync(http)).Count >= 1, "the file change is refused");
        await Poll.UntilAsync(
            async () => (await http.GetJsonAsync("/v1/policy")).GetProperty("last_reload").GetProperty("errors")
                .EnumerateArray().Any(e => e.GetString()!.Contains("remainder", StringComparison.Ordinal)),
            "the whole broken file is read");
        var refused = (await RejectionsAsync(http)).Count;

        // The file has not changed since: only the signal can make the daemon read it again.
        await SendAsync("-HUP", daemon.Id);
        await Poll.UntilAsync(async () => (await RejectionsAsync(http)).Count > refused, "SIGHUP reads the file again");
        await File.WriteAllTextAsync(path, DenyBelowHundred, Cancellation);
        await Poll.UntilAsync(
            async () => (await http.GetJsonAsync("/v1/policy")).GetProperty("last_reload").GetProperty("accepted")
                .GetBoolean(),
            "the fixed file is accepted");

        Assert.False(daemon.HasExited, $"ratelord-d stopped on SIGHUP; stderr:\n{daemon.Errors}");
    }

    private static async Task<string?> PolicyVersionAsync(HttpClient http) =>
        (await http.GetJsonAsync("/v1/policy")).Text("version");

    private static async Task<List<JsonElement>> RejectionsAsync(HttpClient http) =>
        [
            .. (await http.GetJsonAsync("/v1/events?type=policy_rejected&limit=100"))
                .GetProperty("events")
                .EnumerateArray(),
        ];

    private static async Task SendAsync(string signal, int pid)
    {
        var arguments = new[] { signal, pid.ToString(CultureInfo.InvariantCulture) };
        using var kill = Process.Start(new ProcessStartInfo("kill", arguments))!;
        await kill.WaitForExitAsync(Cancellation);
        Assert.Equal(0, kill.ExitCode);
    }
}
