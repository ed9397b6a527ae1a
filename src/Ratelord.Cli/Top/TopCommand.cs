using System.ComponentModel;
using Ratelord.Cli.Commands;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Top;

/// <summary>
/// <c>ratelord top</c>: a live terminal view of the daemon: its state and overall risk, the pools with their
/// status colours, the decisions as they are made, and vital signs. Arrow keys select a pool, Enter opens its
/// detail, q quits. It reconnects by itself when the daemon restarts.
/// </summary>
internal sealed class TopCommand : AsyncCommand<TopCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--refresh <SECONDS>")]
        [Description("How often to read the pools and vital signs. Default 1. Decisions appear as they are made.")]
        [DefaultValue(1.0)]
        [TypeConverter(typeof(RefreshOption))]
        public double Refresh { get; init; } = 1.0;
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken)
    {
        if (settings.Json)
        {
            throw new CliFailure(
                CliFailure.Usage,
                "top is a live screen for people; for scripts use ratelord status --json, pools --json "
                + "or events --follow --json.");
        }

        var screen = new TopScreen(
            Daemon.Connect(settings),
            settings.DaemonUrl,
            TimeSpan.FromSeconds(settings.Refresh));
        await screen.RunAsync(cancellationToken);

        return 0;
    }
}
