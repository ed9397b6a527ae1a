using System.Globalization;
using System.Text.Json;

namespace Ratelord.Cli.Output;

/// <summary>One event of the log in a few words, for lists and the live stream.</summary>
internal static class EventSummary
{
    public static string Of(JsonElement item)
    {
        var payload = item.Get("payload") ?? default;
        var c = CultureInfo.InvariantCulture;

        return item.Str("type") switch
        {
            "intent_submitted" => string.Create(
                c,
                $"{payload.Str("urgency") ?? "normal"} intent, "
                + $"expected cost {Format.Number(payload.Num("expected_cost"), 2)}"),
            "intent_decided" => Decided(payload),
            "intent_settled" => string.Create(
                c, $"{payload.Str("outcome")}, actual cost {Format.Number(payload.Num("actual_cost"), 2)}"),
            "provider_observation" => string.Join(
                ", ",
                payload.Items("pools").Select(p => string.Create(
                    c,
                    $"{p.Str("pool")}@{p.Str("owner")} "
                    + $"{Format.Number(p.Num("remaining"))}/{Format.Number(p.Num("limit"))}")))
                + (payload.Bool("limited") == true ? " (throttled)" : ""),
            "forecast_computed" => string.Create(
                c,
                $"{PoolId(payload.Get("pool"))}: {payload.StrAt("forecast.status")}, "
                + $"P99 TTE {Format.Duration(payload.NumAt("forecast.tte.p99_seconds"))}"),
            "identity_registered" => $"{payload.Str("identity_id")} ({payload.Str("kind")}, {payload.Str("provider")})",
            "identity_deleted" => payload.Str("identity_id") ?? "",
            "policy_updated" => $"version {payload.Str("version")} from {payload.Str("source")}",
            "policy_rejected" => $"{payload.Str("source")}: {payload.Items("errors").Count()} errors",
            "provider_error" => $"{payload.Str("provider_id")}: {payload.Str("kind")} {payload.Str("message")}",
            "system_started" => $"ratelord-d {payload.Str("version")} on {payload.Str("store")}",
            _ => "",
        };
    }

    /// <summary>A pool key as the API writes it, <c>provider/pool@owner</c>, from its string or object form.</summary>
    public static string PoolId(JsonElement? pool) => pool switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString() ?? "",
        { ValueKind: JsonValueKind.Object } key => $"{key.Str("provider")}/{key.Str("pool")}@{key.Str("owner")}",
        _ => "",
    };

    private static string Decided(JsonElement payload)
    {
        var text = payload.Str("verdict") ?? "";
        if (payload.Str("reason") is { } reason)
        {
            text += $" ({reason})";
        }

        if (payload.Num("wait_seconds") is { } wait)
        {
            text += $", wait {Format.Duration(wait)}";
        }

        if (payload.Num("retry_after_seconds") is { } retry)
        {
            text += $", retry after {Format.Duration(retry)}";
        }

        return text;
    }
}
