using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Ratelord.Cli.Output;
using Ratelord.Sdk;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary>
/// <c>ratelord intent</c>: submits a test intent and prints the daemon's decision with the trace of its
/// evaluation: every pool checked, every rule evaluated, every budget. The intent is real: an approval holds its
/// cost until it lapses.
/// </summary>
internal sealed class IntentCommand : AsyncCommand<IntentCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--identity <ID>")]
        [Description("The identity (credential) to charge, such as pat:ci-bot. Required.")]
        public string? Identity { get; init; }

        [CommandOption("--agent <ID>")]
        [Description("Who asks. Default ratelord-cli.")]
        [DefaultValue("ratelord-cli")]
        public string Agent { get; init; } = "ratelord-cli";

        [CommandOption("--workload <ID>")]
        [Description("What kind of work; it maps to the pools it draws from. Default default.")]
        [DefaultValue("default")]
        public string Workload { get; init; } = "default";

        [CommandOption("--scope <ID>")]
        [Description("Where it applies. Default global.")]
        [DefaultValue("global")]
        public string Scope { get; init; } = "global";

        [CommandOption("--urgency <URGENCY>")]
        [Description("high, normal or background. Default normal.")]
        [DefaultValue("normal")]
        public string Urgency { get; init; } = "normal";

        [CommandOption("--cost <UNITS>")]
        [Description("Expected cost in the pools it draws from.")]
        [TypeConverter(typeof(CostOption))]
        public double? Cost { get; init; }

        [CommandOption("--max-wait <SECONDS>")]
        [Description("The longest wait acceptable; 0 when the agent cannot wait.")]
        [TypeConverter(typeof(MaxWaitOption))]
        public double? MaxWait { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Identity))
            {
                return ValidationResult.Error("--identity is required: the identity to charge, such as pat:ci-bot.");
            }

            if (Urgency is not ("high" or "normal" or "background"))
            {
                return ValidationResult.Error($"--urgency '{Urgency}' must be high, normal or background.");
            }

            return base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken)
    {
        var intent = new Intent(settings.Agent, settings.Identity!, settings.Workload, settings.Scope)
        {
            Urgency = settings.Urgency switch
            {
                "high" => Sdk.Urgency.High,
                "background" => Sdk.Urgency.Background,
                _ => Sdk.Urgency.Normal,
            },
            ExpectedCost = settings.Cost,
            MaxWait = settings.MaxWait is { } wait ? TimeSpan.FromSeconds(wait) : null,
            Debug = true,
        };
        var decision = await Daemon.Connect(settings).NegotiateAsync(intent, cancellationToken);
        if (decision.IsFallback)
        {
            // The SDK decided by its failure mode because the daemon did not answer: nothing is in any log.
            throw new CliFailure(
                CliFailure.Unreachable,
                $"cannot reach the daemon at {settings.DaemonUrl}; no intent was recorded "
                + "(is ratelord-d running? see --url).");
        }

        if (settings.Json)
        {
            Terminal.WriteJson(DecisionJson.Of(decision));

            return 0;
        }

        var verdict = DecisionJson.VerdictName(decision.Verdict);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("[bold]decision[/]", Format.Verdict(verdict));
        grid.AddRow("[bold]intent[/]", decision.IntentId.ToString());
        if (decision.Reason is { } reason)
        {
            grid.AddRow("[bold]reason[/]", Format.Escape(reason));
        }

        if (decision.Wait is { } waitFor)
        {
            grid.AddRow("[bold]wait[/]", Format.Duration(waitFor.TotalSeconds));
        }

        if (decision.DeferUntil is { } until)
        {
            grid.AddRow("[bold]deferred until[/]", until.ToString("O", CultureInfo.InvariantCulture));
        }

        if (decision.IdentitySwitch is { } other)
        {
            grid.AddRow("[bold]use identity[/]", Format.Escape(other));
        }

        if (decision.RetryAfter is { } retry)
        {
            grid.AddRow("[bold]retry after[/]", Format.Duration(retry.TotalSeconds));
        }

        if (decision.ValidUntil is { } valid)
        {
            grid.AddRow("[bold]valid until[/]", valid.ToString("O", CultureInfo.InvariantCulture));
        }

        grid.AddRow("[bold]tightest pool[/]", Format.Escape(decision.TightestPool));
        grid.AddRow("[bold]risk[/]", Format.Escape(decision.RiskSummary));
        grid.AddRow("[bold]policy[/]", Format.Escape(decision.PolicyVersion));
        AnsiConsole.Write(grid);

        if (decision.Trace is { } trace)
        {
            WriteTrace(trace);
        }

        return 0;
    }

    private static void WriteTrace(JsonElement trace)
    {
        if (!trace.Items("pools").Any())
        {
            AnsiConsole.MarkupLine("[grey]No pool was checked.[/]");
        }
        else
        {
            WritePools(trace);
        }

        WriteRules(trace);
        WriteBudgets(trace);
    }

    private static void WritePools(JsonElement trace)
    {
        var pools = new Table().Border(TableBorder.Rounded).Title("[bold]Pools checked[/]").Expand();
        foreach (var column in new[]
        {
            "Pool",
            "Cost",
            "Remaining / limit",
            "Reserved",
            "P(exh.)",
            "Status",
            "Blocker",
        })
        {
            pools.AddColumn(column);
        }

        foreach (var pool in trace.Items("pools"))
        {
            pools.AddRow(
                Format.Escape(pool.Str("pool_id")),
                Format.Number(pool.Num("cost"), 2),
                $"{Format.Number(pool.Num("remaining"))} / {Format.Number(pool.Num("limit"))}",
                Format.Number(pool.Num("reserved"), 2),
                Format.Percent(pool.Num("p_exhaustion")),
                Format.Status(pool.Str("status")),
                Format.Escape(pool.Str("blocker") ?? ""));
        }

        AnsiConsole.Write(pools);
    }

    private static void WriteRules(JsonElement trace)
    {
        var rules = trace.Items("rules").ToList();
        if (rules.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]Rules evaluated[/]").Expand();
            foreach (var column in new[] { "Policy", "Rule", "Condition", "Pool", "Result" })
            {
                table.AddColumn(column);
            }

            foreach (var rule in rules)
            {
                var result = rule.Bool("result") == true ? "[yellow]fired[/]" : "[grey]no[/]";
                table.AddRow(
                    Format.Escape(rule.Str("policy_id")),
                    Format.Escape(rule.Str("rule")),
                    Format.Escape(rule.Str("condition")),
                    Format.Escape(rule.Str("pool") ?? ""),
                    rule.Str("error") is { } error ? $"[red]{Format.Escape(error)}[/]" : result);
            }

            AnsiConsole.Write(table);
        }
    }

    private static void WriteBudgets(JsonElement trace)
    {
        var budgets = trace.Items("budgets").ToList();
        if (budgets.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("[bold]Budgets[/]").Expand();
            foreach (var column in new[] { "Budget", "Limit USD", "Spent USD", "Remaining USD", "This intent USD" })
            {
                table.AddColumn(column);
            }

            foreach (var budget in budgets)
            {
                table.AddRow(
                    Format.Escape(budget.Str("budget_id")),
                    Format.Number(budget.Num("limit_usd"), 4),
                    Format.Number(budget.Num("spent_usd"), 4),
                    Format.Number(budget.Num("remaining_usd"), 4),
                    Format.Number(budget.Num("intent_usd"), 6));
            }

            AnsiConsole.Write(table);
        }
    }
}
