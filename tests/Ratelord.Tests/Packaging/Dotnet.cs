using System.Diagnostics;
using System.Text;

namespace Ratelord.Tests.Packaging;

/// <summary>What one run of the <c>dotnet</c> command gave: its exit code and everything it printed.</summary>
internal sealed record DotnetRun(string Command, int ExitCode, string Output, string Errors)
{
    public override string ToString() =>
        $"dotnet {Command}: exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
}

/// <summary>
/// The <c>dotnet</c> command as a developer types it, run as a process of its own with a deadline. It is started
/// without build servers, so that nothing it starts outlives the test.
/// </summary>
internal static class Dotnet
{
    /// <summary>
    /// Variables a test host started by <c>dotnet test</c> may carry that point an inner build at the outer one's
    /// MSBuild; a build of another project must find its own.
    /// </summary>
    private static readonly string[] OuterBuildVariables =
    [
        "MSBuildExtensionsPath",
        "MSBuildSDKsPath",
        "MSBUILD_EXE_PATH",
        "MSBuildLoadMicrosoftTargetsReadOnly",
    ];

    /// <summary>
    /// Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/> until it exits; past
    /// <paramref name="deadline"/> it is killed with its children and the test fails, showing what it printed.
    /// </summary>
    public static async Task<DotnetRun> RunAsync(
        string workingDirectory,
        TimeSpan deadline,
        IReadOnlyDictionary<string, string>? environment,
        params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var variable in OuterBuildVariables)
        {
            start.Environment.Remove(variable);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var command = string.Join(' ', args);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail(
                $"dotnet {command} did not finish within {deadline.TotalSeconds} s.\n"
                + $"stdout:\n{await output}\nstderr:\n{await errors}");
        }

        return new DotnetRun(command, process.ExitCode, await output, await errors);
    }

    /// <summary>As <see cref="RunAsync"/>, and fails the test unless the command exits 0.</summary>
    public static async Task<DotnetRun> SucceedAsync(
        string workingDirectory,
        TimeSpan deadline,
        IReadOnlyDictionary<string, string>? environment,
        params string[] args)
    {
        var run = await RunAsync(workingDirectory, deadline, environment, args);
        Assert.True(run.ExitCode == 0, run.ToString());

        return run;
    }
}
