using System.Text.Json;
using Ratelord.Cli.Output;
using Ratelord.Sdk;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary><c>ratelord status</c>: is the daemon healthy, how risky are its pools, how busy is it.</summary>
internal sealed class StatusCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(
        CommandContext context,
        GlobalSettings settings,
        CancellationToken cancellationToken)
    {
        var client = Daemon.Connect(settings);
        var health = await client.GetHealthReportAsync(cancellationToken);
        var vitals = await client.GetVitalsAsync(cancellationToken);
        var pools = await client.GetPoolsAsync(cancellationToken);

        if (settings.Json)
        {
            Terminal.WriteJson(Terminal.Build(json =>
            {
                json.WriteStartObject();
                json.WritePropertyName("url");
                json.WriteStringValue(settings.DaemonUrl.ToString());
                json.WritePropertyName("health");
                health.WriteTo(json);
                json.WritePropertyName("vitals");
                vitals.WriteTo(json);
                json.WriteNumber("pools", pools.Items("pools").Count());
                json.WriteEndObject();
            }));

            return 0;
        }

        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow(
            "[bold]daemon[/]",
            $"ratelord-d {Format.Escape(health.Str("version"))} at {Format.Escape(settings.DaemonUrl.ToString())}");
        grid.AddRow(
            "[bold]state[/]",
            $"{Format.Status(health.Str("status"))} · up {Format.Duration(health.Num("uptime_s"))}");
        grid.AddRow("[bold]overall risk[/]", $"{Format.Status(vitals.Str("overall_risk"))} · {PoolCounts(vitals)}");
        grid.AddRow(
            "[bold]decisions[/]",
            $"{Format.Number(vitals.Num("decisions_per_minute"))} / min"
            + $" · denial rate {Format.Percent(vitals.Num("denial_rate"))}"
            + $" · latency P50 {Format.Number(vitals.Num("decision_latency_p50_ms"), 2)} ms"
            + $", P99 {Format.Number(vitals.Num("decision_latency_p99_ms"), 2)} ms");
        grid.AddRow(
            "[bold]log[/]",
            $"position {Format.Number(health.Num("last_position"))} · {Format.Escape(health.Str("store"))} "
            + $"{Format.Escape(health.Str("db_path"))} ({Format.Bytes(vitals.Num("db_size_bytes"))})"
            + $" · {Format.Number(vitals.Num("events_per_second"), 2)} events/s");
        grid.AddRow(
            "[bold]commits[/]",
            $"{Format.Number(health.Num("commit_batches"))} batches, "
            + $"{Format.Number(health.Num("mean_commands_per_batch"), 2)} commands each on average");
        grid.AddRow("[bold]policy[/]", Format.Escape(health.Str("policy_version")));
        AnsiConsole.Write(grid);

        return 0;
    }

    private static string PoolCounts(JsonElement vitals)
    {
        var counts = vitals.Get("pools_by_status") is { ValueKind: JsonValueKind.Object } byStatus
            ? byStatus.EnumerateObject().Select(p => $"{p.Value.GetInt32()} {Format.Status(p.Name)}").ToList()
            : [];

        return counts.Count == 0 ? "no pools yet" : string.Join(", ", counts);
    }
}
