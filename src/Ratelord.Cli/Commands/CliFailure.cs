namespace Ratelord.Cli.Commands;

/// <summary>
/// A command that cannot do what was asked, with the one line that says why and the exit code: the daemon
/// refused or a check failed (1), the command line is wrong (2), the daemon cannot be reached (3).
/// </summary>
internal sealed class CliFailure(int exitCode, string reason) : Exception(reason)
{
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;

    public int ExitCode { get; } = exitCode;
}
