using System.Text.Json;
using Ratelord.Cli.Output;
using Ratelord.Sdk;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary>
/// <c>ratelord forecasts</c>: each pool's forecast: burn rate, time to exhaustion at P50/P90/P99, time to reset,
/// the probability of running dry before it, and how much evidence stands behind it.
/// </summary>
internal sealed class ForecastsCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(
        CommandContext context,
        GlobalSettings settings,
        CancellationToken cancellationToken)
    {
        var client = Daemon.Connect(settings);
        JsonElement answer;
        IReadOnlyList<(string PoolId, JsonElement Forecast, string? SecondOpinion)> rows;
        try
        {
            answer = await client.GetForecastsAsync(cancellationToken);
            rows = FromForecasts(answer);
        }
        catch (RatelordRequestException refused) when (refused.Status == 404)
        {
            // A daemon without GET /v1/forecasts still reports each pool's decision forecast in GET /v1/pools.
            answer = await client.GetPoolsAsync(cancellationToken);
            rows =
            [
                .. answer.Items("pools")
                    .Select(p => (p.Str("pool_id") ?? "?", p.Get("forecast") ?? default, (string?)null)),
            ];
        }

        if (settings.Json)
        {
            Terminal.WriteJson(answer);

            return 0;
        }

        if (rows.Count == 0)
        {
            AnsiConsole.MarkupLine("[grey]No forecasts yet: pools appear when a provider response is observed.[/]");

            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("Pool");
        table.AddColumn("Model");
        table.AddColumn(new TableColumn("Burn/min (±sd)").RightAligned());
        table.AddColumn(new TableColumn("TTE P50").RightAligned());
        table.AddColumn(new TableColumn("P90").RightAligned());
        table.AddColumn(new TableColumn("P99").RightAligned());
        table.AddColumn(new TableColumn("Reset in").RightAligned());
        table.AddColumn(new TableColumn("P(exh.)").RightAligned());
        table.AddColumn(new TableColumn("Margin").RightAligned());
        table.AddColumn("Confidence");
        table.AddColumn("Status");
        foreach (var (poolId, forecast, second) in rows)
        {
            var margin = forecast.Num("margin_s");
            table.AddRow(
                Format.Escape(poolId),
                Format.Escape(forecast.Str("model")) + (second is null ? "" : $"\n[grey]{Format.Escape(second)}[/]"),
                $"{Format.Number(forecast.NumAt("burn_rate.mean") * 60, 2)} "
                    + $"(±{Format.Number(forecast.NumAt("burn_rate.stddev") * 60, 2)})",
                Format.Duration(forecast.NumAt("tte.p50_s")),
                Format.Duration(forecast.NumAt("tte.p90_s")),
                Format.Duration(forecast.NumAt("tte.p99_s")),
                Format.Duration(forecast.Num("ttr_s")),
                Format.Percent(forecast.Num("p_exhaustion")),
                margin is < 0 ? $"[red]-{Format.Duration(-margin)}[/]" : Format.Duration(margin),
                Format.Escape(forecast.Str("confidence")) + (forecast.Bool("stale") == true ? " [yellow]stale[/]" : ""),
                Format.Status(forecast.Str("status")));
        }

        AnsiConsole.Write(table);

        return 0;
    }

    /// <summary>
    /// Reads <c>GET /v1/forecasts</c>: a list of pools, each with the decision model's forecast (as <c>forecast</c>
    /// or <c>decision</c>, or inline) and possibly a second model's beside it.
    /// </summary>
    private static List<(string, JsonElement, string?)> FromForecasts(JsonElement answer)
    {
        var items = answer.Items("forecasts").Concat(answer.Items("pools")).ToList();
        var rows = new List<(string, JsonElement, string?)>();
        foreach (var item in items)
        {
            var forecast = item.Get("forecast") ?? item.Get("decision") ?? item;
            var second = item.Get("second_opinion") is { } other
                ? $"{other.Str("model")}: P50 {Format.Duration(other.NumAt("tte.p50_s"))}, "
                  + $"P(exh.) {Format.Percent(other.Num("p_exhaustion"))}"
                : null;
            rows.Add((item.Str("pool_id") ?? item.Str("pool") ?? "?", forecast, second));
        }

        return rows;
    }
}
