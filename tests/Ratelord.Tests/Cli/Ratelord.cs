using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

/// <summary>What one run of the <c>ratelord</c> command gave: its exit code and everything it printed.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Errors)
{
    /// <summary>Standard output as one JSON document.</summary>
    public JsonElement Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Output);

            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"ratelord printed no JSON: {exception.Message}\n{this}", exception);
        }
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
}

/// <summary>
/// The <c>ratelord</c> command as a user runs it: <c>dotnet ratelord.dll ARGS</c>, a process of its own, its
/// output redirected (so no colours and wide tables).
/// </summary>
internal static class Ratelord
{
    /// <summary>How long one command may take on a loaded machine before the test gives up on it.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>The built command: <c>src/Ratelord.Cli/bin/{Configuration}/net10.0/ratelord.dll</c>.</summary>
    public static string DllPath { get; } = Locate();

    /// <summary>Runs the command to its end and returns what it did.</summary>
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var process = Start(args, redirectInput: false);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"ratelord {string.Join(' ', args)} did not finish within {Deadline.TotalSeconds} s.");
        }

        return new CliRun(process.ExitCode, await output, await errors);
    }

    /// <summary>Starts the command and leaves it running, for streams (<c>events --follow</c>, <c>mcp</c>).</summary>
    public static Process Start(string[] args, bool redirectInput)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["COLUMNS"] = "200";
        start.Environment.Remove("RATELORD_URL");

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    private static string Locate()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar))
            .Parent?.Name ?? "Debug";
        var built = Path.Combine(
            DaemonProcess.RepositoryRoot(),
            "src",
            "Ratelord.Cli",
            "bin",
            configuration,
            "net10.0",
            "ratelord.dll");

        return File.Exists(built)
            ? built
            : throw new FileNotFoundException($"ratelord.dll is not built; expected it at {built}.");
    }
}
