using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Ratelord.Tests.Infrastructure;

/// <summary>
/// The daemon as a user runs it: <c>dotnet ratelord-d.dll --port 0 --db FILE</c> in a process of its own,
/// ready once it prints the address it bound. <see cref="Kill"/> is <c>kill -9</c>: no shutdown code runs.
/// </summary>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    /// <summary>How long a start may take on a loaded machine before the test gives up.</summary>
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly Lock _sync = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DaemonProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The built daemon: <c>src/Ratelord.Host/bin/{Configuration}/net10.0/ratelord-d.dll</c>.</summary>
    public static string DllPath { get; } = LocateDll();

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A client for the daemon's API, with <see cref="BaseAddress"/> set.</summary>
    public HttpClient Http { get; private set; } = null!;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to standard output so far.</summary>
    public string Output
    {
        get
        {
            lock (_sync)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Everything the process wrote to standard error so far.</summary>
    public string Errors
    {
        get
        {
            lock (_sync)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>Starts the daemon on a free port and returns once it is listening.</summary>
    public static async Task<DaemonProcess> StartAsync(string dbPath, params string[] extraArgs)
    {
        var daemon = Launch(["--port", "0", "--db", dbPath, .. extraArgs], Path.GetDirectoryName(dbPath)!);
        var exited = daemon._process.WaitForExitAsync();
        var first = await Task.WhenAny(daemon._listening.Task, exited, Task.Delay(StartDeadline));
        if (first != daemon._listening.Task)
        {
            var why = first == exited ? $"exited with code {daemon._process.ExitCode}" : "did not start in time";
            await daemon.DisposeAsync();

            throw new InvalidOperationException(
                $"ratelord-d {why}.\nstdout:\n{daemon.Output}\nstderr:\n{daemon.Errors}");
        }

        daemon.BaseAddress = await daemon._listening.Task;
        daemon.Http = new HttpClient { BaseAddress = daemon.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        return daemon;
    }

    /// <summary>Runs the daemon until it exits by itself, as a start that must fail does.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunToExitAsync(
        string workingDirectory,
        params string[] args)
    {
        await using var daemon = Launch(args, workingDirectory);
        using var deadline = new CancellationTokenSource(StartDeadline);
        try
        {
            await daemon._process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"ratelord-d {string.Join(' ', args)} kept running; it was expected to exit.\n{daemon.Output}");
        }

        return (daemon._process.ExitCode, daemon.Output, daemon.Errors);
    }

    /// <summary>SIGKILL, to the whole process tree; returns once the process is gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var deadline = new CancellationTokenSource(StartDeadline);
        await _process.WaitForExitAsync(deadline.Token);

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static DaemonProcess Launch(string[] args, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The daemon reads its settings from RATELORD_* too; a developer's own must not leak into a test.
        var inherited = start.Environment.Keys.Where(k => k.StartsWith("RATELORD_", StringComparison.Ordinal)).ToList();
        foreach (var variable in inherited)
        {
            start.Environment.Remove(variable);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var daemon = new DaemonProcess(process);
        process.OutputDataReceived += (_, e) => daemon.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.OnError(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        return daemon;
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_sync)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_sync)
        {
            _errors.AppendLine(line);
        }
    }

    private static string LocateDll()
    {
        var root = RepositoryRoot();
        var configuration = ConfigurationOfThisBuild();
        var built = Path.Combine(root, "src", "Ratelord.Host", "bin", configuration, "net10.0", "ratelord-d.dll");
        if (File.Exists(built))
        {
            return built;
        }

        // The test project references the host, so a copy sits beside the tests as well.
        var copy = Path.Combine(AppContext.BaseDirectory, "ratelord-d.dll");

        return File.Exists(copy)
            ? copy
            : throw new FileNotFoundException($"ratelord-d.dll is not built; expected it at {built}.");
    }

    /// <summary>The folder holding <c>Ratelord.sln</c>, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ratelord.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Ratelord.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Debug or Release: the folder above the target framework folder the tests run from.</summary>
    private static string ConfigurationOfThisBuild()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

        return framework.Parent?.Name ?? "Debug";
    }

    [GeneratedRegex(@"^ratelord-d listening on (?<url>http://\S+)")]
    private static partial Regex ListeningLine();
}
