using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol;
using Ratelord.Cli.Output;
using Ratelord.Sdk;

namespace Ratelord.Cli.Mcp;

/// <summary>
/// The tools an LLM agent gets from <c>ratelord mcp</c>: ask before acting, look at the pools, and understand a
/// decision. Each calls the daemon; none decides anything itself.
/// </summary>
internal sealed class RatelordTools(RatelordClient client)
{
    [Description(
        "Ask Ratelord whether an action that spends rate limit or quota may go ahead now. Returns the decision: "
        + "approve (go now), approve_with_modifications (go after wait_seconds, at defer_until, or with "
        + "identity_switch), or deny_with_reason (don't; reason says why and retry_after_s when to ask again). "
        + "An approval reserves the cost until it lapses (valid_until).")]
    public async Task<string> AskIntentAsync(
        [Description("Who asks: this agent's id, such as crawler-01.")] string agent_id,
        [Description("The registered identity (credential) to charge, such as pat:ci-bot.")] string identity_id,
        [Description(
            "The kind of work, such as repo_scan; it maps to the pools it draws from. Use default when unsure.")]
        string workload_id = "default",
        [Description("Where it applies, such as global or repo:acme/web.")] string scope_id = "global",
        [Description("high, normal or background.")] string urgency = "normal",
        [Description("Expected cost in the pools it draws from; omit to let the workload decide.")]
        double? expected_cost = null,
        [Description("The longest wait acceptable, in seconds; 0 when the agent cannot wait.")]
        double? max_wait_seconds = null,
        CancellationToken cancellationToken = default)
    {
        var intent = new Intent(agent_id, identity_id, workload_id, scope_id)
        {
            Urgency = urgency switch
            {
                "high" => Urgency.High,
                "background" => Urgency.Background,
                "normal" => Urgency.Normal,
                _ => throw new McpException($"urgency '{urgency}' must be high, normal or background."),
            },
            ExpectedCost = expected_cost,
            MaxWait = max_wait_seconds is { } wait ? TimeSpan.FromSeconds(wait) : null,
        };
        var decision = await CallAsync(() => client.NegotiateAsync(intent, cancellationToken));
        if (decision.IsFallback)
        {
            throw new McpException(
                $"The Ratelord daemon at {client.BaseAddress} cannot be reached; do not act until it answers.");
        }

        return Text(DecisionJson.Of(decision));
    }

    [Description(
        "List the rate-limit pools Ratelord knows, with what each has left, what is reserved, how fast it burns, "
        + "the pessimistic (P99) time to exhaustion, when it resets and its status (ok, warn, critical, unknown).")]
    public async Task<string> CheckPoolsAsync(
        [Description("Only pools of this provider, such as github.")] string? provider = null,
        [Description("Only pools of this identity (or shared key).")] string? identity_id = null,
        CancellationToken cancellationToken = default)
    {
        var answer = await CallAsync(() => client.GetPoolsAsync(cancellationToken));

        return Text(Terminal.Build(json =>
        {
            json.WriteStartObject();
            json.WriteString("as_of", answer.Str("as_of"));
            json.WriteStartArray("pools");
            foreach (var pool in answer.Items("pools")
                .Where(p => provider is null || p.Str("provider") == provider)
                .Where(p => identity_id is null || p.Str("identity_id") == identity_id))
            {
                json.WriteStartObject();
                json.WriteString("pool_id", pool.Str("pool_id"));
                json.WriteString("identity_id", pool.Str("identity_id"));
                Number(json, "remaining", pool.Num("remaining"));
                Number(json, "limit", pool.Num("limit"));
                Number(json, "reserved", pool.Num("reserved"));
                Number(json, "burn_per_minute", pool.NumAt("forecast.burn_rate.mean") * 60);
                Number(json, "tte_p99_s", pool.NumAt("forecast.tte.p99_s"));
                Number(json, "p_exhaustion", pool.NumAt("forecast.p_exhaustion"));
                json.WriteString("reset_at", pool.Str("reset_at"));
                json.WriteString("status", pool.Str("status"));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }));
    }

    [Description(
        "Explain a decision Ratelord made: what was asked, the verdict and reason, the tightest pool, the rules that "
        + "fired, what was reserved, how it ended, and where its pools stand now.")]
    public async Task<string> ExplainDecisionAsync(
        [Description("The intent_id of the decision, as ask_intent returned it.")] string intent_id,
        CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(intent_id, out var id))
        {
            throw new McpException($"'{intent_id}' is not an intent id; pass the intent_id ask_intent returned.");
        }

        return Text(await CallAsync(() => client.ExplainDecisionAsync(id, cancellationToken)));
    }

    /// <summary>The last 50 events of the log.</summary>
    public async Task<string> RecentEventsAsync(CancellationToken cancellationToken)
    {
        var head = await CallAsync(() => client.GetEventsAsync(0, 1, cancellationToken));
        var after = Math.Max(0, (long)(head.Num("last_position") ?? 0) - 50);

        return Text(await CallAsync(() => client.GetEventsAsync(after, 50, cancellationToken)));
    }

    public async Task<string> PoolsAsync(CancellationToken cancellationToken) =>
        Text(await CallAsync(() => client.GetPoolsAsync(cancellationToken)));

    public async Task<string> PolicyAsync(CancellationToken cancellationToken) =>
        Text(await CallAsync(() => client.GetPolicyAsync(cancellationToken)));

    // The model reads the failure as the tool's answer: say what went wrong in words it can act on.
    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RatelordRequestException refused)
        {
            throw new McpException(refused.Message, refused);
        }
        catch (RatelordUnavailableException unavailable)
        {
            throw new McpException(unavailable.Message, unavailable);
        }
    }

    private static string Text(JsonElement element) => JsonSerializer.Serialize(element);

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
