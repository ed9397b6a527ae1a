using System.Text.Json;
using System.Threading.Channels;
using Ratelord.Cli.Commands;
using Ratelord.Cli.Output;
using Ratelord.Sdk;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ratelord.Cli.Top;

/// <summary>
/// The live screen of <c>ratelord top</c>. Three loops feed one picture: a poller reads health, vital signs and
/// pools; a follower reads decisions from the event stream as they are committed; the keyboard moves the
/// selection. The screen is redrawn whenever one of them changes something, and at least four times a second.
/// </summary>
internal sealed class TopScreen(RatelordClient client, Uri url, TimeSpan refresh)
{
    private const int MaxDecisions = 200;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly LinkedList<DecisionLine> _decisions = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private JsonElement? _health;
    private JsonElement? _vitals;
    private List<JsonElement> _pools = [];
    private DateTimeOffset _asOf = DateTimeOffset.UtcNow;
    private string? _outage;
    private int _selected;
    private string? _detailPool;
    private JsonElement? _detail;
    private long _lastPosition = -1;
    private bool _quit;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poller = Task.Run(() => PollAsync(stop.Token), CancellationToken.None);
        var follower = Task.Run(() => FollowAsync(stop.Token), CancellationToken.None);
        var keyboard = Task.Run(() => ReadKeys(stop), CancellationToken.None);

        // The alternate screen keeps the operator's scrollback as it was once top quits.
        var alternate = AnsiConsole.Profile.Capabilities.AlternateBuffer;
        if (alternate)
        {
            AnsiConsole.Write(new ControlCode("\u001b[?1049h\u001b[H"));
        }

        AnsiConsole.Cursor.Hide();
        try
        {
            await AnsiConsole.Live(new Text("connecting…")).AutoClear(false).Overflow(VerticalOverflow.Crop)
                .StartAsync(async live =>
                {
                    // A keyboard that failed would leave q unheard: top ends and reports it instead.
                    while (!stop.IsCancellationRequested && !_quit && !keyboard.IsFaulted)
                    {
                        live.UpdateTarget(Render());
                        live.Refresh();
                        using var tick = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                        tick.CancelAfter(TimeSpan.FromMilliseconds(250));
                        try
                        {
                            await _changed.Reader.ReadAsync(tick.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            // A quiet quarter second: redraw anyway, so times count down.
                        }
                    }
                });
        }
        finally
        {
            await stop.CancelAsync();
            AnsiConsole.Cursor.Show();
            if (alternate)
            {
                AnsiConsole.Write(new ControlCode("\u001b[?1049l"));
            }
        }

        await Task.WhenAll(poller, follower);
        if (keyboard.IsFaulted)
        {
            await keyboard;
        }
    }

    private void Changed() => _changed.Writer.TryWrite(true);

    // ---------- the poller: health, vital signs, pools ----------

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var health = await client.GetHealthReportAsync(cancellationToken);
                var vitals = await client.GetVitalsAsync(cancellationToken);
                var pools = await client.GetPoolsAsync(cancellationToken);
                string? detailPool;
                lock (_lock)
                {
                    detailPool = _detailPool;
                }

                var detail = detailPool is null
                    ? (JsonElement?)null
                    : await client.GetPoolDetailAsync(detailPool, cancellationToken);
                lock (_lock)
                {
                    _health = health;
                    _vitals = vitals;
                    _pools = [.. pools.Items("pools")];
                    _asOf = pools.Time("as_of") ?? DateTimeOffset.UtcNow;
                    _selected = Math.Clamp(_selected, 0, Math.Max(0, _pools.Count - 1));
                    _detail = detailPool == _detailPool ? detail : _detail;
                    _outage = null;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is RatelordUnavailableException or RatelordRequestException)
            {
                lock (_lock)
                {
                    _outage = exception.Message;
                }
            }

            Changed();
            await Delay(refresh, cancellationToken);
        }
    }

    // ---------- the follower: decisions as they are made ----------

    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var after = await StartPositionAsync(cancellationToken);
                await foreach (var item in client.FollowEventsAsync(after, cancellationToken))
                {
                    _lastPosition = item.Position;
                    if (item.Type == "intent_decided")
                    {
                        Add(DecisionLine.FromEvent(item.Data));
                        Changed();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is RatelordUnavailableException or RatelordRequestException)
            {
                // The daemon went away (or restarted): the poller shows the outage; follow again once it is back.
                await Delay(RetryDelay, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Where to follow from: after the last event seen, or, at the start, after the current end of the log once
    /// the recent decisions are shown. A daemon that came back with a shorter log (a new database) starts over.
    /// </summary>
    private async Task<long> StartPositionAsync(CancellationToken cancellationToken)
    {
        var head = await client.GetEventsAsync(0, 1, cancellationToken);
        var last = (long)(head.Num("last_position") ?? 0);
        if (_lastPosition >= 0 && _lastPosition <= last)
        {
            return _lastPosition;
        }

        var recent = await client.ListDecisionsAsync(20, cancellationToken);
        foreach (var row in recent.Items("decisions").Reverse())
        {
            Add(DecisionLine.FromRow(row));
        }

        Changed();

        return _lastPosition = last;
    }

    private void Add(DecisionLine line)
    {
        lock (_lock)
        {
            if (!_seen.Add(line.IntentId))
            {
                return;
            }

            _decisions.AddFirst(line);
            while (_decisions.Count > MaxDecisions)
            {
                _seen.Remove(_decisions.Last!.Value.IntentId);
                _decisions.RemoveLast();
            }
        }
    }

    // ---------- the keyboard ----------

    private void ReadKeys(CancellationTokenSource stop)
    {
        if (Console.IsInputRedirected)
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            if (!Console.KeyAvailable)
            {
                Thread.Sleep(30);
                continue;
            }

            var key = Console.ReadKey(intercept: true);
            lock (_lock)
            {
                switch (key.Key)
                {
                    case ConsoleKey.UpArrow or ConsoleKey.K:
                        _selected = Math.Max(0, _selected - 1);
                        break;
                    case ConsoleKey.DownArrow or ConsoleKey.J:
                        _selected = Math.Min(Math.Max(0, _pools.Count - 1), _selected + 1);
                        break;
                    case ConsoleKey.Enter:
                        _detailPool = _detailPool is null && _pools.Count > 0 ? _pools[_selected].Str("pool_id") : null;
                        _detail = null;
                        break;
                    case ConsoleKey.Escape when _detailPool is not null:
                        _detailPool = null;
                        _detail = null;
                        break;
                    case ConsoleKey.Q or ConsoleKey.Escape:
                        _quit = true;
                        break;
                }
            }

            Changed();
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop's condition ends it.
        }
    }

    // ---------- the picture ----------

    private IRenderable Render()
    {
        lock (_lock)
        {
            var pools = _pools.Count == 0
                ? (IRenderable)new Markup("[grey]No pools yet: they appear when a provider response is observed.[/]")
                : PoolsCommand.Table(_pools, _asOf, _selected);
            var lower = new Grid().AddColumn(new GridColumn()).AddColumn(new GridColumn().Width(36));

            // What is left of the screen below the header and the pools goes to the decisions.
            var used = 4 + Math.Max(1, _pools.Count) + 6 + 4;
            var rows = Math.Clamp(AnsiConsole.Profile.Height - used, 3, 50);
            lower.AddRow(
                _detailPool is null ? DecisionsPanel(rows) : DetailPanel(),
                VitalsPanel());

            return new Rows(
                Header(),
                new Panel(pools).Header("[bold]Pools[/]").Border(BoxBorder.Rounded).Expand(),
                lower,
                new Markup("[grey]↑/↓ select a pool · Enter detail · Esc back · q quit[/]"));
        }
    }

    private IRenderable Header()
    {
        var text = $"[bold]ratelord[/] {Format.Escape(url.Authority)} · ";
        if (_outage is not null || _health is not { } health)
        {
            text += _outage is null
                ? "[grey]connecting…[/]"
                : $"[red]daemon unreachable, reconnecting[/] [grey]({Format.Escape(Trim(_outage, 90))})[/]";

            return new Panel(new Markup(text)).Border(BoxBorder.Heavy).Expand();
        }

        var risk = _vitals?.Str("overall_risk");
        text += $"state {Format.Status(health.Str("status"))} · v{Format.Escape(health.Str("version"))} · "
            + $"up {Format.Duration(health.Num("uptime_s"))} · log #{Format.Number(health.Num("last_position"))} · "
            + $"policy {Format.Escape(Trim(health.Str("policy_version") ?? "", 18))} · risk "
            + $"[bold {Format.StatusColor(risk).ToMarkup()}]{Format.Escape(risk?.ToUpperInvariant())}[/]";

        return new Panel(new Markup(text)).Border(BoxBorder.Heavy).BorderColor(Format.StatusColor(risk)).Expand();
    }

    private Panel DecisionsPanel(int rows)
    {
        var table = new Table().Border(TableBorder.None).Expand();
        table.AddColumn(new TableColumn("Time").NoWrap());
        table.AddColumn(new TableColumn("Verdict").NoWrap());
        table.AddColumn(new TableColumn("Agent").NoWrap());
        table.AddColumn(new TableColumn("Identity").NoWrap());
        table.AddColumn(new TableColumn("Reason / pool").NoWrap());
        foreach (var line in _decisions.Take(rows))
        {
            var color = Format.VerdictColor(line.Verdict).ToMarkup();
            table.AddRow(
                Format.Clock(line.At),
                $"[{color}]{Format.Escape(Short(line.Verdict))}[/]",
                $"[{color}]{Format.Escape(Trim(line.Agent ?? "", 16))}[/]",
                Format.Escape(Trim(line.Identity ?? "", 16)),
                Format.Escape(Trim(line.Reason ?? line.Pool ?? "", 26)));
        }

        return new Panel(_decisions.Count == 0 ? new Markup("[grey]No decisions yet.[/]") : table)
            .Header("[bold]Decisions, live[/]")
            .Border(BoxBorder.Rounded)
            .Expand();
    }

    private static string Short(string? verdict) => verdict switch
    {
        "approve_with_modifications" => "approve (modified)",
        "deny_with_reason" => "deny",
        _ => verdict ?? "?",
    };

    private Panel DetailPanel()
    {
        if (_detail is not { } detail)
        {
            return new Panel(new Markup("[grey]loading…[/]"))
                .Header($"[bold]{Format.Escape(_detailPool)}[/]")
                .Expand();
        }

        var pool = detail.Get("pool") ?? default;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow(
            "status",
            Format.Status(pool.Str("status"))
            + (pool.Str("status_reason") is { } why ? $" ({Format.Escape(why)})" : ""));
        grid.AddRow(
            "remaining / limit",
            $"{Format.Number(pool.Num("remaining"))} / {Format.Number(pool.Num("limit"))}");
        grid.AddRow(
            "reserved · available",
            $"{Format.Number(pool.Num("reserved"), 2)} · {Format.Number(pool.Num("available"), 2)}");
        grid.AddRow("burn / min", Format.Number(pool.NumAt("forecast.burn_rate.mean") * 60, 2));
        grid.AddRow(
            "TTE P50 · P90 · P99",
            $"{PoolsCommand.Tte(pool, "p50_s")} · {PoolsCommand.Tte(pool, "p90_s")} "
            + $"· {PoolsCommand.Tte(pool, "p99_s")}");
        grid.AddRow("reset in", Format.Until(pool.Time("reset_at"), _asOf));
        grid.AddRow("P(exhaustion)", Format.Percent(pool.NumAt("forecast.p_exhaustion")));
        grid.AddRow(
            "forecast",
            $"{Format.Escape(pool.StrAt("forecast.model"))}, "
            + $"confidence {Format.Escape(pool.StrAt("forecast.confidence"))}");
        grid.AddRow(
            "identities",
            Format.Escape(string.Join(", ", detail.Items("identities").Select(i => i.GetString()))));
        foreach (var row in detail.Items("decisions").Take(5))
        {
            var line = DecisionLine.FromRow(row);
            grid.AddRow(
                Format.Clock(line.At),
                $"[{Format.VerdictColor(line.Verdict).ToMarkup()}]{Format.Escape(line.Verdict)}[/] "
                + $"{Format.Escape(line.Agent)} {Format.Escape(line.Reason ?? "")}");
        }

        return new Panel(grid)
            .Header($"[bold]{Format.Escape(_detailPool)}[/] (Esc to go back)")
            .Border(BoxBorder.Rounded)
            .Expand();
    }

    private Panel VitalsPanel()
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn(new GridColumn().RightAligned());
        if (_vitals is { } v)
        {
            grid.AddRow("intents / min", Format.Number(v.Num("decisions_per_minute")));
            var denial = v.Num("denial_rate") ?? 0;
            grid.AddRow("denial rate", denial > 0.2 ? $"[red]{Format.Percent(denial)}[/]" : Format.Percent(denial));
            grid.AddRow("latency P50", $"{Format.Number(v.Num("decision_latency_p50_ms"), 2)} ms");
            grid.AddRow("latency P99", $"{Format.Number(v.Num("decision_latency_p99_ms"), 2)} ms");
            grid.AddRow("events / s", Format.Number(v.Num("events_per_second"), 2));
            grid.AddRow("commit batch", $"{Format.Number(v.Num("mean_commands_per_batch"), 2)} cmds");
            grid.AddRow("database", Format.Bytes(v.Num("db_size_bytes")));
        }

        return new Panel(grid).Header("[bold]Vital signs[/]").Border(BoxBorder.Rounded).Expand();
    }

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    /// <summary>One decision in the live list.</summary>
    private sealed record DecisionLine(
        string IntentId,
        DateTimeOffset? At,
        string? Verdict,
        string? Agent,
        string? Identity,
        string? Reason,
        string? Pool)
    {
        public static DecisionLine FromEvent(JsonElement item)
        {
            var payload = item.Get("payload") ?? default;

            return new DecisionLine(
                payload.Str("intent_id") ?? item.Str("event_id") ?? "",
                item.Time("ingest_time"),
                payload.Str("verdict"),
                item.Str("agent_id"),
                item.Str("identity_id"),
                payload.Str("reason"),
                payload.Str("tightest_pool"));
        }

        public static DecisionLine FromRow(JsonElement row) => new(
            row.Str("intent_id") ?? "",
            row.Time("at"),
            row.Str("verdict"),
            row.Str("agent_id"),
            row.Str("identity_id"),
            row.Str("reason"),
            row.Str("tightest_pool"));
    }
}
