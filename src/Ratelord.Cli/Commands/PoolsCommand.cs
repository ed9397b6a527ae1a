using System.Text.Json;
using Ratelord.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary><c>ratelord pools</c>: every pool, what it has left, how fast it burns, when it resets.</summary>
internal sealed class PoolsCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(
        CommandContext context,
        GlobalSettings settings,
        CancellationToken cancellationToken)
    {
        var answer = await Daemon.Connect(settings).GetPoolsAsync(cancellationToken);
        if (settings.Json)
        {
            Terminal.WriteJson(answer);

            return 0;
        }

        var now = answer.Time("as_of") ?? DateTimeOffset.UtcNow;
        var pools = answer.Items("pools").ToList();
        if (pools.Count == 0)
        {
            AnsiConsole.MarkupLine("[grey]No pools yet: they appear when a provider response is observed.[/]");

            return 0;
        }

        AnsiConsole.Write(Table(pools, now));

        return 0;
    }

    /// <summary>The pools table, as <c>ratelord pools</c> and <c>ratelord top</c> show it.</summary>
    public static Table Table(IReadOnlyList<JsonElement> pools, DateTimeOffset now, int? selected = null)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("Pool");
        table.AddColumn("Identity");
        table.AddColumn(new TableColumn("Remaining / limit").RightAligned());
        table.AddColumn(new TableColumn("Reserved").RightAligned());
        table.AddColumn(new TableColumn("Burn/min").RightAligned());
        table.AddColumn(new TableColumn("P99 TTE").RightAligned());
        table.AddColumn(new TableColumn("Reset in").RightAligned());
        table.AddColumn("Status");
        for (var i = 0; i < pools.Count; i++)
        {
            var pool = pools[i];
            var id = Format.Escape(pool.Str("pool_id"));
            table.AddRow(
                i == selected ? $"[invert]{id}[/]" : id,
                Format.Escape(pool.Str("identity_id")),
                $"{Format.Number(pool.Num("remaining"))} / {Format.Number(pool.Num("limit"))}",
                Format.Number(pool.Num("reserved"), 2),
                Format.Number(pool.NumAt("forecast.burn_rate.mean") * 60, 2),
                Tte(pool, "p99_s"),
                Format.Until(pool.Time("reset_at"), now),
                Format.Status(pool.Str("status")));
        }

        return table;
    }

    /// <summary>
    /// A time to exhaustion: none known when nothing is known of the pool, else ∞ when it does not run dry.
    /// </summary>
    public static string Tte(JsonElement pool, string quantile) =>
        pool.Num("remaining") is null
            ? "–"
            : Format.Duration(pool.NumAt("forecast.tte." + quantile) ?? double.PositiveInfinity);
}
