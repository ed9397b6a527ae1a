using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ratelord.Cli.Output;
using Ratelord.Sdk;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary>
/// <c>ratelord report</c>: a CSV of usage (per agent, identity, workload and pool) or of decisions (one row each)
/// over a time range, read from the event log.
/// </summary>
internal sealed class ReportCommand : AsyncCommand<ReportCommand.Settings>
{
    private static readonly string[] DecisionColumns =
    [
        "decided_at", "intent_id", "agent_id", "identity_id", "workload_id", "scope_id", "urgency", "expected_cost",
        "verdict", "reason", "wait_s", "retry_after_s", "tightest_pool", "policy_version", "outcome", "actual_cost",
    ];

    private static readonly string[] UsageColumns =
    [
        "agent_id", "identity_id", "workload_id", "pool_id", "decisions", "approved", "denied", "reserved",
        "settled", "actual_cost",
    ];

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    internal sealed class Settings : GlobalSettings
    {
        [CommandOption("--kind <KIND>")]
        [Description(
            "usage (totals per agent, identity, workload and pool) or decisions (one row each). Default usage.")]
        [DefaultValue("usage")]
        public string Kind { get; init; } = "usage";

        [CommandOption("--from <TIME>")]
        [Description(
            "Start of the range: an ISO 8601 time, or a span back from now such as 24h, 30m, 7d. Default 24h.")]
        [DefaultValue("24h")]
        public string From { get; init; } = "24h";

        [CommandOption("--to <TIME>")]
        [Description("End of the range, as --from. Default now.")]
        public string? To { get; init; }

        [CommandOption("-o|--output <FILE>")]
        [Description("Write the report to FILE instead of standard output.")]
        public string? Output { get; init; }

        public override ValidationResult Validate()
        {
            if (Kind is not ("usage" or "decisions"))
            {
                return ValidationResult.Error($"--kind '{Kind}' must be usage or decisions.");
            }

            if (ParseTime(From, DateTimeOffset.UtcNow) is null)
            {
                return ValidationResult.Error(
                    $"--from '{From}' is not a time: give 2026-01-31T00:00:00Z or a span such as 24h.");
            }

            return To is not null && ParseTime(To, DateTimeOffset.UtcNow) is null
                ? ValidationResult.Error($"--to '{To}' is not a time: give 2026-01-31T00:00:00Z or a span such as 1h.")
                : base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var from = ParseTime(settings.From, now)!.Value;
        var to = settings.To is null ? now : ParseTime(settings.To, now)!.Value;
        if (to < from)
        {
            throw new CliFailure(CliFailure.Usage, $"--to ({to:O}) is before --from ({from:O}).");
        }

        var intents = await ReadIntentsAsync(Daemon.Connect(settings), cancellationToken);
        var decided = intents.Values
            .Where(i => i.DecidedAt is { } at && at >= from && at <= to)
            .OrderBy(i => i.DecidedAt)
            .ToList();
        var (columns, rows) = settings.Kind == "decisions"
            ? (DecisionColumns, Decisions(decided))
            : (UsageColumns, Usage(decided));

        var text = settings.Json ? Json(columns, rows) : Csv(columns, rows);
        if (settings.Output is { } path)
        {
            await File.WriteAllTextAsync(path, text, cancellationToken);
            if (!settings.Json)
            {
                AnsiConsole.MarkupLine(
                    $"wrote {rows.Count} {settings.Kind} rows from {from:O} to {to:O} to {Format.Escape(path)}");
            }
        }
        else
        {
            await Console.Out.WriteAsync(text);
        }

        return 0;
    }

    /// <summary>
    /// An ISO 8601 time, or a span back from <paramref name="now"/>: <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c>.
    /// </summary>
    public static DateTimeOffset? ParseTime(string text, DateTimeOffset now)
    {
        var span = text.TrimStart('-');
        if (span.Length > 1
            && double.TryParse(span[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            && amount >= 0)
        {
            var unit = span[^1] switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                _ => 0,
            };
            if (unit > 0)
            {
                return now.AddSeconds(-amount * unit);
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
    }

    private static async Task<Dictionary<string, IntentStory>> ReadIntentsAsync(
        RatelordClient client,
        CancellationToken cancellationToken)
    {
        var intents = new Dictionary<string, IntentStory>(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            var page = await client.GetEventsAsync(after, 1000, cancellationToken);
            var events = page.Items("events").ToList();
            foreach (var item in events)
            {
                var payload = item.Get("payload") ?? default;
                if (payload.Str("intent_id") is not { } id)
                {
                    continue;
                }

                var story = intents.TryGetValue(id, out var known) ? known : intents[id] = new IntentStory(id);
                switch (item.Str("type"))
                {
                    case "intent_submitted":
                        story.Submitted(item, payload);
                        break;
                    case "intent_decided":
                        story.Decided(item, payload);
                        break;
                    case "intent_settled":
                        story.Settled(payload);
                        break;
                }
            }

            if (events.Count == 0)
            {
                return intents;
            }

            after = (long)(page.Num("next_after") ?? after);
        }
    }

    private static List<string?[]> Decisions(IEnumerable<IntentStory> decided) =>
        [.. decided.Select(i => new[]
        {
            i.DecidedAt?.ToString("O", CultureInfo.InvariantCulture), i.Id, i.Agent, i.Identity, i.Workload, i.Scope,
            i.Urgency, Number(i.ExpectedCost), i.Verdict, i.Reason, Number(i.WaitSeconds), Number(i.RetryAfterSeconds),
            i.TightestPool, i.PolicyVersion, i.Outcome, Number(i.ActualCost),
        })];

    private static List<string?[]> Usage(IEnumerable<IntentStory> decided)
    {
        var totals = new SortedDictionary<(string, string, string, string), double[]>();
        foreach (var intent in decided)
        {
            // A denial holds no pool; it is counted against the pool that refused it, or none.
            var pools = intent.Reservations.Count > 0
                ? intent.Reservations
                : [(intent.TightestPool ?? "", 0.0)];
            foreach (var (pool, amount) in pools)
            {
                var key = (intent.Agent ?? "", intent.Identity ?? "", intent.Workload ?? "", pool);
                if (!totals.TryGetValue(key, out var t))
                {
                    totals[key] = t = new double[6];
                }

                t[0]++;
                t[1] += intent.Verdict == "deny_with_reason" ? 0 : 1;
                t[2] += intent.Verdict == "deny_with_reason" ? 1 : 0;
                t[3] += amount;
                t[4] += intent.Outcome is null ? 0 : 1;
                t[5] += intent.ActualCost ?? 0;
            }
        }

        return [.. totals.Select(t => new[]
        {
            t.Key.Item1, t.Key.Item2, t.Key.Item3, t.Key.Item4, Number(t.Value[0]), Number(t.Value[1]),
            Number(t.Value[2]), Number(t.Value[3]), Number(t.Value[4]), Number(t.Value[5]),
        })];
    }

    private static string? Number(double? value) => value?.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Csv(string[] columns, List<string?[]> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', columns).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(Field)).Append('\n');
        }

        return text.ToString();
    }

    // RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
    private static string Field(string? value) =>
        value is null
            ? ""
            : value.IndexOfAny([',', '"', '\n', '\r']) >= 0
                ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
                : value;

    private static string Json(string[] columns, List<string?[]> rows)
    {
        var element = Terminal.Build(json =>
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < columns.Length; i++)
                {
                    if (row[i] is null)
                    {
                        json.WriteNull(columns[i]);
                    }
                    else if (double.TryParse(row[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                        && IsNumeric(columns[i]))
                    {
                        json.WriteNumber(columns[i], number);
                    }
                    else
                    {
                        json.WriteString(columns[i], row[i]);
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        });

        return JsonSerializer.Serialize(element, Indented) + "\n";
    }

    private static bool IsNumeric(string column) =>
        column is "expected_cost" or "wait_s" or "retry_after_s" or "actual_cost" or "decisions" or "approved"
            or "denied" or "reserved" or "settled";

    /// <summary>What the log says about one intent: asked, decided, settled.</summary>
    private sealed class IntentStory(string id)
    {
        public string Id { get; } = id;

        public string? Agent { get; private set; }

        public string? Identity { get; private set; }

        public string? Workload { get; private set; }

        public string? Scope { get; private set; }

        public string? Urgency { get; private set; }

        public double? ExpectedCost { get; private set; }

        public DateTimeOffset? DecidedAt { get; private set; }

        public string? Verdict { get; private set; }

        public string? Reason { get; private set; }

        public double? WaitSeconds { get; private set; }

        public double? RetryAfterSeconds { get; private set; }

        public string? TightestPool { get; private set; }

        public string? PolicyVersion { get; private set; }

        public List<(string Pool, double Amount)> Reservations { get; } = [];

        public string? Outcome { get; private set; }

        public double? ActualCost { get; private set; }

        public void Submitted(JsonElement item, JsonElement payload)
        {
            Dimensions(item);
            Urgency = payload.Str("urgency");
            ExpectedCost = payload.Num("expected_cost");
        }

        public void Decided(JsonElement item, JsonElement payload)
        {
            Dimensions(item);
            DecidedAt = item.Time("event_time");
            Verdict = payload.Str("verdict");
            Reason = payload.Str("reason");
            WaitSeconds = payload.Num("wait_seconds");
            RetryAfterSeconds = payload.Num("retry_after_seconds");
            TightestPool = payload.Str("tightest_pool");
            PolicyVersion = payload.Str("policy_version");
            Reservations.AddRange(payload.Items("reservations")
                .Select(r => (EventSummary.PoolId(r.Get("pool")), r.Num("amount") ?? 0)));
        }

        public void Settled(JsonElement payload)
        {
            Outcome = payload.Str("outcome");
            ActualCost = payload.Num("actual_cost");
        }

        private void Dimensions(JsonElement item)
        {
            Agent ??= item.Str("agent_id");
            Identity ??= item.Str("identity_id");
            Workload ??= item.Str("workload_id");
            Scope ??= item.Str("scope_id");
        }
    }
}
