using System.Globalization;
using System.Text.Json;
using Ratelord.Sdk;

namespace Ratelord.Cli.Output;

/// <summary>A decision as JSON, in the daemon's own field names, for <c>ratelord intent --json</c> and MCP.</summary>
internal static class DecisionJson
{
    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Approve => "approve",
        Verdict.ApproveWithModifications => "approve_with_modifications",
        _ => "deny_with_reason",
    };

    public static JsonElement Of(Decision decision) => Terminal.Build(json =>
    {
        json.WriteStartObject();
        json.WriteString("intent_id", decision.IntentId);
        json.WriteString("decision", VerdictName(decision.Verdict));
        WriteOrNull(json, "reason", decision.Reason);
        WriteOrNull(json, "wait_seconds", decision.Wait?.TotalSeconds);
        WriteOrNull(json, "defer_until", decision.DeferUntil?.ToString("O", CultureInfo.InvariantCulture));
        WriteOrNull(json, "identity_switch", decision.IdentitySwitch);
        WriteOrNull(json, "retry_after_s", decision.RetryAfter?.TotalSeconds);
        WriteOrNull(json, "valid_until", decision.ValidUntil?.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("evaluated_at", decision.EvaluatedAt);
        WriteOrNull(json, "tightest_pool", decision.TightestPool);
        WriteOrNull(json, "risk_summary", decision.RiskSummary);
        WriteOrNull(json, "policy_version", decision.PolicyVersion);
        json.WritePropertyName("trace");
        if (decision.Trace is { } trace)
        {
            trace.WriteTo(json);
        }
        else
        {
            json.WriteNullValue();
        }

        json.WriteEndObject();
    });

    private static void WriteOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
