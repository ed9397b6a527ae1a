using System.Diagnostics;
using Ratelord.Host;
using Ratelord.Host.Configuration;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Host;

/// <summary>Starting, stopping and restarting the daemon, as an operator does.</summary>
public sealed class LifecycleTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DbPath => _directory.File("ratelord.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Sigterm_StopsTheDaemonCleanly_WithExitCodeZeroAndNoError()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGTERM is a POSIX signal.");
        await using var daemon = await DaemonProcess.StartAsync(DbPath);
        await daemon.Http.RegisterIdentityAsync("pat:calm");

        await SendSigtermAsync(daemon.Id);
        var exitCode = await daemon.WaitForExitAsync();

        Assert.True(exitCode == 0, $"ratelord-d exited with {exitCode} on SIGTERM; stderr:\n{daemon.Errors}");
        Assert.DoesNotContain("cannot start", daemon.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_OfAStartedDaemon_DoesNotThrow()
    {
        var app = await DaemonApp.StartAsync(
            new DaemonSettings { Port = 0, DbPath = DbPath },
            TestContext.Current.CancellationToken);
        await app.StopAsync(TestContext.Current.CancellationToken);

        var failure = await Record.ExceptionAsync(async () => await app.DisposeAsync());

        Assert.Null(failure);
    }

    [Fact]
    public async Task Restart_OnTheSameFile_ReplaysTheLog_AndRecordsEachStart()
    {
        long positionBefore;
        await using (var first = await InProcessDaemon.StartAsync(DbPath))
        {
            await first.Http.RegisterIdentityAsync("pat:kept");
            positionBefore = await first.Http.LastPositionAsync();
        }

        await using var second = await InProcessDaemon.StartAsync(DbPath);
        var identities = await second.Http.GetJsonAsync("/v1/identities");
        var events = await second.Http.ReadAllEventsAsync();

        Assert.Equal(["pat:kept"], identities.Each("identities", "identity_id"));
        Assert.Equal(positionBefore + 1, events.Count);
        Assert.Equal(2, events.Count(e => e.Text("type") == "system_started"));
        Assert.Equal("system_started", events[^1].Text("type"));
    }

    [Fact]
    public async Task Start_WithAnUnknownOption_ExitsNonZero_ListingTheOptions()
    {
        var (exitCode, _, errors) = await DaemonProcess.RunToExitAsync(
            _directory.Path, "--port", "0", "--colour", "always");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--colour", errors, StringComparison.Ordinal);
        Assert.Contains("--db", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondDaemon_OnTheSameFile_IsRefused_AndTheFirstKeepsRecording()
    {
        await using var first = await DaemonProcess.StartAsync(DbPath);
        var before = await first.Http.GetJsonAsync("/v1/health");

        var (exitCode, _, errors) = await DaemonProcess.RunToExitAsync(
            _directory.Path, "--port", "0", "--db", DbPath);

        Assert.Equal(2, exitCode);
        Assert.Contains("in use by another Ratelord daemon", errors, StringComparison.Ordinal);
        var after = await first.Http.GetJsonAsync("/v1/health");
        Assert.Equal(before.GetProperty("last_position").GetInt64(), after.GetProperty("last_position").GetInt64());
        using var registered = await first.Http.PostJsonAsync(
            "/v1/identities", new { identity_id = "pat:after", kind = "pat", provider = "github" });
        Assert.Equal(System.Net.HttpStatusCode.Created, registered.StatusCode);
    }

    /// <summary>What an init system does to stop a service: <c>kill -TERM</c>.</summary>
    private static async Task SendSigtermAsync(int pid)
    {
        var arguments = new[] { "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        using var kill = Process.Start(new ProcessStartInfo("kill", arguments))!;
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }
}
