using System.ComponentModel;
using System.Text.Json;
using Ratelord.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary><c>ratelord events</c>: the event log, the latest events or from a position, and live with --follow.</summary>
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

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var client = Daemon.Connect(settings);
        var after = settings.After;
        if (after is null)
        {
            var head = await client.GetEventsAsync(0, 1, cancellationToken);
            after = Math.Max(0, (long)(head.Num("last_position") ?? 0) - settings.Limit);
        }

        return settings.Follow
            ? await FollowAsync(client, settings, after.Value, cancellationToken)
            : await PageAsync(client, settings, after.Value, cancellationToken);
    }

    private static async Task<int> PageAsync(
        Sdk.RatelordClient client,
        Settings settings,
        long after,
        CancellationToken cancellationToken)
    {
        var page = await client.GetEventsAsync(after, settings.Limit, cancellationToken);
        var events = page.Items("events").Where(e => Matches(settings, e)).ToList();
        if (settings.Json)
        {
            Terminal.WriteJson(Terminal.Build(json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("events");
                foreach (var item in events)
                {
                    item.WriteTo(json);
                }

                json.WriteEndArray();
                json.WriteNumber("next_after", (long)(page.Num("next_after") ?? after));
                json.WriteNumber("last_position", (long)(page.Num("last_position") ?? 0));
                json.WriteEndObject();
            }));

            return 0;
        }

        if (events.Count == 0)
        {
            AnsiConsole.MarkupLine($"[grey]No events after position {after}.[/]");

            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn(new TableColumn("Pos").RightAligned());
        table.AddColumn("Time");
        table.AddColumn("Type");
        table.AddColumn("Agent");
        table.AddColumn("Identity");
        table.AddColumn("What");
        foreach (var item in events)
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
            AnsiConsole.MarkupLine($"[grey]Following the log of {Format.Escape(settings.DaemonUrl.ToString())} after position {after}; Ctrl+C to stop.[/]");
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
