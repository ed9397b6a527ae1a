using System.ComponentModel;
using System.Text.Json;
using Ratelord.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary>
/// <c>ratelord events</c>: the event log, the latest events or from a position, and live with --follow.
/// </summary>
internal sealed class EventsCommand : AsyncCommand<EventsCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--after <POSITION>")]
        [Description("Show events after this log position. Default: the last --limit events.")]
        [TypeConverter(typeof(LogPositionOption))]
        public long? After { get; init; }

        [CommandOption("--limit <N>")]
        [Description("The most events to show, 1 to 1000. Default 50.")]
        [DefaultValue(50)]
        [TypeConverter(typeof(EventLimitOption))]
        public int Limit { get; init; } = 50;

        [CommandOption("--type <TYPE>")]
        [Description("Only events of this type, such as intent_decided.")]
        public string? Type { get; init; }

        [CommandOption("-f|--follow")]
        [Description("Keep following the log live (server-sent events) until Ctrl+C. With --json, one event per line.")]
        public bool Follow { get; init; }
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken)
    {
        var client = Daemon.Connect(settings);
        if (settings.Follow)
        {
            var from = settings.After ?? await FollowFromAsync(client, settings, cancellationToken);

            return await FollowAsync(client, settings, from, cancellationToken);
        }

        var page = (settings.Type, settings.After) switch
        {
            (null, _) => await LatestOrAfterAsync(client, settings, cancellationToken),
            ({ } type, { } after) => await FirstOfTypeAsync(client, type, after, settings.Limit, cancellationToken),
            ({ } type, null) => await LatestOfTypeAsync(client, type, settings.Limit, cancellationToken),
        };

        return Print(settings, page);
    }

    /// <summary>
    /// What one run shows: the events, the position the search started after, and where to go on from
    /// (<c>next_after</c>, for the next <c>--after</c>).
    /// </summary>
    private sealed record Page(IReadOnlyList<JsonElement> Events, long After, long NextAfter, long LastPosition);

    /// <summary>Without a type: the page after --after, else the last --limit events of the log.</summary>
    private static async Task<Page> LatestOrAfterAsync(
        Sdk.RatelordClient client,
        Settings settings,
        CancellationToken cancellationToken)
    {
        var after = settings.After ?? Math.Max(0, await LastPositionAsync(client, cancellationToken) - settings.Limit);
        var page = await client.GetEventsAsync(after, settings.Limit, cancellationToken);

        return new Page(
            [.. page.Items("events")],
            after,
            (long)(page.Num("next_after") ?? after),
            (long)(page.Num("last_position") ?? 0));
    }

    /// <summary>
    /// The first <paramref name="limit"/> events of a type after a position. The daemon reads a bounded stretch of
    /// the log per page, so this reads on from each page's <c>next_after</c>, up to the end the log had when it began.
    /// </summary>
    private static async Task<Page> FirstOfTypeAsync(
        Sdk.RatelordClient client,
        string type,
        long after,
        int limit,
        CancellationToken cancellationToken)
    {
        var events = new List<JsonElement>();
        var next = after;
        long? end = null;
        while (true)
        {
            var page = await client.GetEventsOfTypeAsync(type, next, limit - events.Count, cancellationToken);
            events.AddRange(page.Items("events").Where(e => e.Str("type") == type));
            var reached = (long)(page.Num("next_after") ?? next);
            end ??= (long)(page.Num("last_position") ?? 0);
            var progressed = reached > next;
            next = Math.Max(next, reached);
            if (events.Count >= limit || !progressed || next >= end)
            {
                return new Page(events, after, next, end.Value);
            }
        }
    }

    /// <summary>
    /// The latest <paramref name="limit"/> events of a type: stretches of the log read backwards from its end, each
    /// four times the one before, until enough are found or the start is reached. A common type is found in the
    /// first stretch; a rare one costs a few more requests, never more than reading the log once.
    /// </summary>
    private static async Task<Page> LatestOfTypeAsync(
        Sdk.RatelordClient client,
        string type,
        int limit,
        CancellationToken cancellationToken)
    {
        var end = await LastPositionAsync(client, cancellationToken);
        var found = new List<JsonElement>();
        var upper = end;
        var span = Math.Max(1000L, limit * 10L);
        while (found.Count < limit && upper > 0)
        {
            var lower = Math.Max(0, upper - span);
            var stretch = await LastOfTypeAsync(client, type, lower, upper, limit - found.Count, cancellationToken);
            found.InsertRange(0, stretch);
            upper = lower;
            span *= 4;
        }

        return new Page(found, upper, end, end);
    }

    /// <summary>
    /// The last <paramref name="keep"/> events of a type after <paramref name="lower"/>, up to
    /// <paramref name="upper"/>.
    /// </summary>
    private static async Task<List<JsonElement>> LastOfTypeAsync(
        Sdk.RatelordClient client,
        string type,
        long lower,
        long upper,
        int keep,
        CancellationToken cancellationToken)
    {
        const int MaxPage = 1000;
        var kept = new Queue<JsonElement>();
        var next = lower;
        while (next < upper)
        {
            var page = await client.GetEventsOfTypeAsync(type, next, MaxPage, cancellationToken);
            foreach (var item in page.Items("events").Where(e => e.Str("type") == type))
            {
                if (Position(item) > upper)
                {
                    return [.. kept];
                }

                kept.Enqueue(item);
                if (kept.Count > keep)
                {
                    kept.Dequeue();
                }
            }

            var reached = (long)(page.Num("next_after") ?? next);
            if (reached <= next)
            {
                break;
            }

            next = reached;
        }

        return [.. kept];
    }

    /// <summary>
    /// Where following starts without --after: before the latest --limit events (of --type, when given), so the
    /// stream opens with them.
    /// </summary>
    private static async Task<long> FollowFromAsync(
        Sdk.RatelordClient client,
        Settings settings,
        CancellationToken cancellationToken)
    {
        if (settings.Type is not { } type)
        {
            return Math.Max(0, await LastPositionAsync(client, cancellationToken) - settings.Limit);
        }

        var latest = await LatestOfTypeAsync(client, type, settings.Limit, cancellationToken);

        return latest.Events.Count > 0 ? Position(latest.Events[0]) - 1 : latest.NextAfter;
    }

    private static async Task<long> LastPositionAsync(Sdk.RatelordClient client, CancellationToken cancellationToken) =>
        (long)((await client.GetEventsAsync(0, 1, cancellationToken)).Num("last_position") ?? 0);

    private static long Position(JsonElement item) => (long)(item.Num("position") ?? 0);

    private static int Print(Settings settings, Page page)
    {
        if (settings.Json)
        {
            Terminal.WriteJson(Terminal.Build(json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("events");
                foreach (var item in page.Events)
                {
                    item.WriteTo(json);
                }

                json.WriteEndArray();
                json.WriteNumber("next_after", page.NextAfter);
                json.WriteNumber("last_position", page.LastPosition);
                json.WriteEndObject();
            }));

            return 0;
        }

        if (page.Events.Count == 0)
        {
            var what = settings.Type is null ? "events" : $"{Format.Escape(settings.Type)} events";
            AnsiConsole.MarkupLine($"[grey]No {what} after position {page.After}.[/]");

            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn(new TableColumn("Pos").RightAligned());
        table.AddColumn("Time");
        table.AddColumn("Type");
        table.AddColumn("Agent");
        table.AddColumn("Identity");
        table.AddColumn("What");
        foreach (var item in page.Events)
        {
            table.AddRow(
                Format.Number(item.Num("position")),
                Format.Clock(item.Time("event_time")),
                Type(item),
                Format.Escape(item.Str("agent_id")),
                Format.Escape(item.Str("identity_id")),
                Format.Escape(EventSummary.Of(item)));
        }

        AnsiConsole.Write(table);

        return 0;
    }

    private static async Task<int> FollowAsync(
        Sdk.RatelordClient client,
        Settings settings,
        long after,
        CancellationToken cancellationToken)
    {
        if (!settings.Json)
        {
            AnsiConsole.MarkupLine(
                $"[grey]Following the log of {Format.Escape(settings.DaemonUrl.ToString())} "
                + $"after position {after}; Ctrl+C to stop.[/]");
        }

        try
        {
            await foreach (var item in client.FollowEventsAsync(after, cancellationToken))
            {
                if (!Matches(settings, item.Data))
                {
                    continue;
                }

                if (settings.Json)
                {
                    Terminal.WriteJsonLine(item.Data);
                }
                else
                {
                    AnsiConsole.MarkupLine(
                        $"{item.Position,8} {Format.Clock(item.Data.Time("event_time"))} {Type(item.Data)} "
                        + $"{Format.Escape(item.Data.Str("agent_id"))} {Format.Escape(item.Data.Str("identity_id"))} "
                        + Format.Escape(EventSummary.Of(item.Data)));
                }

                await Console.Out.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the operator stopped following; that is success.
        }

        return 0;
    }

    private static bool Matches(Settings settings, JsonElement item) =>
        settings.Type is null || item.Str("type") == settings.Type;

    private static string Type(JsonElement item)
    {
        var type = item.Str("type") ?? "?";

        return type == "intent_decided"
            ? $"[{Format.VerdictColor(item.StrAt("payload.verdict")).ToMarkup()}]{type}[/]"
            : Format.Escape(type);
    }
}
