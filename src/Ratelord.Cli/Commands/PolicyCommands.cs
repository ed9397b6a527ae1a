using System.ComponentModel;
using System.Text.Json;
using Ratelord.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary><c>ratelord policy show</c>: the policy in force, its rules and workloads, and the last reload.</summary>
internal sealed class PolicyShowCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(
        CommandContext context,
        GlobalSettings settings,
        CancellationToken cancellationToken)
    {
        var policy = await Daemon.Connect(settings).GetPolicyAsync(cancellationToken);
        if (settings.Json)
        {
            Terminal.WriteJson(policy);

            return 0;
        }

        AnsiConsole.MarkupLine(
            $"[bold]policy[/] {Format.Escape(policy.Str("version"))} from {Format.Escape(policy.Str("source"))}");
        PolicyOutput.WriteReload(policy);

        var rules = new Table().Border(TableBorder.Rounded).Title("[bold]Rules[/]").Expand();
        foreach (var column in new[] { "Policy", "Level", "Selector", "Rule", "Condition", "Action", "Reason" })
        {
            rules.AddColumn(column);
        }

        foreach (var item in policy.Items("policies"))
        {
            foreach (var rule in item.Items("rules"))
            {
                rules.AddRow(
                    Format.Escape(item.Str("id")),
                    Format.Escape(item.Str("level")),
                    Format.Escape(item.Str("selector")),
                    Format.Escape(rule.Str("name")),
                    Format.Escape(rule.Str("condition")),
                    Format.Escape(rule.Str("action")),
                    Format.Escape(rule.Str("reason") ?? ""));
            }
        }

        if (rules.Rows.Count > 0)
        {
            AnsiConsole.Write(rules);
        }
        else
        {
            AnsiConsole.MarkupLine("[grey]No rules.[/]");
        }

        var workloads = new Table().Border(TableBorder.Rounded).Title("[bold]Workloads[/]");
        workloads.AddColumn("Workload");
        workloads.AddColumn("Draws from");
        foreach (var workload in policy.Items("workloads"))
        {
            workloads.AddRow(
                Format.Escape(workload.Str("id")),
                Format.Escape(string.Join(
                    ", ",
                    workload.Items("pools").Select(p => $"{p.Str("provider")}/{p.Str("pool")} x {p.Str("cost")}"))));
        }

        if (workloads.Rows.Count > 0)
        {
            AnsiConsole.Write(workloads);
        }

        return 0;
    }
}

/// <summary><c>ratelord policy validate FILE</c>: has the daemon check a policy file without applying it.</summary>
internal sealed class PolicyValidateCommand : AsyncCommand<PolicyValidateCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The policy file to check, YAML or JSON.")]
        public string File { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await System.IO.File.ReadAllTextAsync(settings.File, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure(CliFailure.Usage, $"cannot read policy file '{settings.File}': {exception.Message}");
        }

        var answer = await Daemon.Connect(settings).ValidatePolicyAsync(text, settings.File, cancellationToken);
        var valid = answer.Bool("valid") == true;
        var errors = answer.Items("errors").Select(e => e.GetString() ?? "").ToList();
        if (settings.Json)
        {
            Terminal.WriteJson(answer);
        }
        else if (valid)
        {
            AnsiConsole.MarkupLine(
                $"[green]valid[/] {Format.Escape(settings.File)} (version {Format.Escape(answer.Str("version"))})");
        }
        else
        {
            foreach (var error in errors)
            {
                AnsiConsole.MarkupLine($"[red]error[/] {Format.Escape(error)}");
            }
        }

        return valid
            ? 0
            : throw new CliFailure(
                CliFailure.Failed,
                $"{settings.File} is not a valid policy: {errors.Count} error(s).");
    }
}

/// <summary><c>ratelord policy reload</c>: has the daemon reload its policy file now.</summary>
internal sealed class PolicyReloadCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(
        CommandContext context,
        GlobalSettings settings,
        CancellationToken cancellationToken)
    {
        var answer = await Daemon.Connect(settings).ReloadPolicyAsync(cancellationToken);
        var reload = answer.Get("last_reload");
        var accepted = reload?.Bool("accepted") == true;
        if (settings.Json)
        {
            Terminal.WriteJson(answer);
        }
        else
        {
            PolicyOutput.WriteReload(answer);
        }

        return accepted
            ? 0
            : throw new CliFailure(
                CliFailure.Failed,
                $"the daemon refused the policy file; version {answer.Str("version")} stays in force.");
    }
}

internal static class PolicyOutput
{
    public static void WriteReload(JsonElement policy)
    {
        if (policy.Get("last_reload") is not { } reload)
        {
            AnsiConsole.MarkupLine("[grey]No policy file: the built-in policy is in force.[/]");

            return;
        }

        var state = reload.Bool("accepted") == true ? "[green]accepted[/]" : "[red]refused[/]";
        AnsiConsole.MarkupLine(
            $"[bold]last reload[/] {state} version {Format.Escape(reload.Str("version"))} from "
            + $"{Format.Escape(reload.Str("source"))} at {Format.Escape(reload.Str("at"))}");
        foreach (var error in reload.Items("errors"))
        {
            AnsiConsole.MarkupLine($"  [red]error[/] {Format.Escape(error.GetString())}");
        }
    }
}
