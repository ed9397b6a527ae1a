using System.Diagnostics;
using System.Globalization;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

/// <summary>
/// A real terminal for a terminal UI: a tmux server on a private socket, with no user configuration, running one
/// program in a 120 × 40 window. The screen is read with <c>capture-pane</c>, colours included as SGR codes.
/// </summary>
internal sealed class Tmux : IAsyncDisposable
{
    private readonly string _socket;
    private int? _serverPid;
    private string _statusFile = "";

    private Tmux(string socket)
    {
        _socket = socket;
    }

    public static async Task<Tmux> StartAsync(TempDirectory directory, string command)
    {
        if (!File.Exists("/usr/bin/tmux"))
        {
            Assert.Fail(
                "tmux is not installed: apt-get install -y tmux (the terminal UI is tested in a real terminal).");
        }

        // The program runs under a shell that writes its exit status to a file: tmux marks the pane dead when the
        // terminal closes, but on a busy machine it may not reap the program for a long while, and until then it
        // reports no status at all.
        var tmux = new Tmux(directory.File("tmux.sock")) { _statusFile = directory.File("exit-status") };
        var script = directory.File("run.sh");
        await File.WriteAllTextAsync(
            script,
            $"{command}\necho $? > {tmux._statusFile}.part && mv {tmux._statusFile}.part {tmux._statusFile}\n");
        await tmux.RunAsync(
            "-f", "/dev/null", "start-server", ";",
            "set-option", "-g", "default-terminal", "tmux-256color", ";",
            "set-option", "-g", "remain-on-exit", "on", ";",
            "new-session", "-d", "-s", "tui", "-x", "120", "-y", "40", "exec sh " + script);
        tmux._serverPid = int.Parse(
            (await tmux.RunAsync("display-message", "-p", "#{pid}")).Trim(),
            CultureInfo.InvariantCulture);

        return tmux;
    }

    /// <summary>The screen as text; with <paramref name="colours"/>, with the SGR codes that colour it.</summary>
    public Task<string> CaptureAsync(bool colours = false) =>
        colours ? RunAsync("capture-pane", "-p", "-e", "-t", "tui") : RunAsync("capture-pane", "-p", "-t", "tui");

    /// <summary>
    /// Polls the screen until <paramref name="condition"/> holds, failing with the last screen at the deadline.
    /// </summary>
    public async Task<string> WaitForAsync(Func<string, bool> condition, string what, bool colours = false)
    {
        var screen = "";
        using var deadline = new CancellationTokenSource(Poll.DefaultDeadline);
        while (!deadline.IsCancellationRequested)
        {
            screen = await CaptureAsync(colours);
            if (condition(screen))
            {
                return screen;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        Assert.Fail($"Timed out waiting until {what}. The screen:\n{screen}");

        return screen;
    }

    public Task SendKeysAsync(string key) => RunAsync("send-keys", "-t", "tui", key);

    /// <summary>
    /// Waits until the program ends and returns its exit status; at the deadline, fails with the screen and the
    /// pane's state, so a program that ignored its keys shows what it was doing.
    /// </summary>
    public async Task<int> WaitForExitAsync(string what)
    {
        using var deadline = new CancellationTokenSource(Poll.DefaultDeadline);
        while (!deadline.IsCancellationRequested)
        {
            if (await ExitStatusAsync() is { } status)
            {
                return status;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        var pane = await RunAsync("display-message", "-p", "-t", "tui", "dead=#{pane_dead} pid=#{pane_pid}");
        Assert.Fail($"Timed out waiting until {what} ({pane.Trim()}). The screen:\n{await CaptureAsync()}");

        return -1;
    }

    /// <summary>
    /// The exit status of the program once it ended (128 + the signal when one killed it); null while it runs.
    /// </summary>
    public async Task<int?> ExitStatusAsync() =>
        File.Exists(_statusFile)
            ? int.Parse((await File.ReadAllTextAsync(_statusFile)).Trim(), CultureInfo.InvariantCulture)
            : null;

    public async ValueTask DisposeAsync()
    {
        if (_serverPid is { } pid)
        {
            try
            {
                using var server = Process.GetProcessById(pid);
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    private async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-S");
        start.ArgumentList.Add(_socket);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException(
                $"tmux {string.Join(' ', args)} failed ({process.ExitCode}): {errors}");
    }
}
