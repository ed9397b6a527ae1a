using System.ComponentModel;
using Ratelord.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary>
/// <c>ratelord replay --verify</c>: the daemon rebuilds its projections from the log and compares them with the
/// live ones; exit 0 when they match, 1 when they differ.
/// </summary>
internal sealed class ReplayCommand : AsyncCommand<ReplayCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--verify")]
        [Description("Rebuild the projections from the log and compare them with the live ones. Changes nothing.")]
        public bool Verify { get; init; }

        public override ValidationResult Validate() =>
            Verify
                ? base.Validate()
                : ValidationResult.Error("replay needs --verify: the daemon rebuilds its projections from the log and "
                    + "compares them with the live ones (nothing else is replayed from here).");
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken)
    {
        var answer = await Daemon.Connect(settings).VerifyReplayAsync(cancellationToken);
        var equal = answer.Bool("equal") == true;
        if (settings.Json)
        {
            Terminal.WriteJson(answer);
        }
        else
        {
            var summary = $"{Format.Number(answer.Num("events_replayed"))} events "
                + $"to position {Format.Number(answer.Num("position"))}: "
                + $"{Format.Number(answer.Num("pools"))} pools, {Format.Number(answer.Num("intents"))} intents, "
                + $"{Format.Number(answer.Num("identities"))} identities "
                + $"({Format.Number(answer.Num("duration_s"), 3)} s)";
            AnsiConsole.MarkupLine(equal
                ? $"[green]replay matches[/] {summary}"
                : $"[red]replay differs[/] in {Format.Number(answer.Num("difference_count"))} entries; {summary}");
            if (!equal)
            {
                var table = new Table().Border(TableBorder.Rounded).Expand();
                table.AddColumn("Entry");
                table.AddColumn("Live");
                table.AddColumn("Rebuilt");
                foreach (var difference in answer.Items("differences"))
                {
                    table.AddRow(
                        Format.Escape(difference.Str("key")),
                        Format.Escape(difference.Str("live") ?? "(missing)"),
                        Format.Escape(difference.Str("rebuilt") ?? "(missing)"));
                }

                AnsiConsole.Write(table);
            }
        }

        return equal
            ? 0
            : throw new CliFailure(
                CliFailure.Failed,
                "the projections rebuilt from the log differ from the live ones "
                + $"in {answer.Num("difference_count")} entries.");
    }
}
