using System.Globalization;
using Spectre.Console;

namespace Ratelord.Cli.Output;

/// <summary>How numbers, times and statuses read on a terminal. Colours: ok green, warn yellow, critical red.</summary>
internal static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Number(double? value, int decimals = 0) => value switch
    {
        null => "–",
        double.PositiveInfinity => "∞",
        { } v => v.ToString(decimals == 0 ? "#,0" : "#,0." + new string('#', decimals), Invariant),
    };

    /// <summary>Seconds as <c>42s</c>, <c>3m 05s</c>, <c>2h 10m</c>, <c>3d 4h</c>; a dash when unknown.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } value)
        {
            return "–";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "∞";
        }

        var s = (long)Math.Round(Math.Max(0, value));

        return s switch
        {
            < 60 => string.Create(Invariant, $"{s}s"),
            < 3600 => string.Create(Invariant, $"{s / 60}m {s % 60:00}s"),
            < 86400 => string.Create(Invariant, $"{s / 3600}h {s % 3600 / 60:00}m"),
            _ => string.Create(Invariant, $"{s / 86400}d {s % 86400 / 3600}h"),
        };
    }

    public static string Until(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } t ? Duration((t - now).TotalSeconds) : "–";

    public static string Percent(double? share) => share is { } s ? (s * 100).ToString("0.#", Invariant) + "%" : "–";

    public static string Clock(DateTimeOffset? at) =>
        at is { } t ? t.ToLocalTime().ToString("HH:mm:ss", Invariant) : "–";

    public static string Bytes(double? bytes)
    {
        if (bytes is not { } value)
        {
            return "–";
        }

        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString(unit == 0 ? "0" : "0.0", Invariant) + " " + units[unit];
    }

    /// <summary>The colour of a pool status: ok green, warn yellow, critical red, anything else grey.</summary>
    public static Color StatusColor(string? status) => status switch
    {
        "ok" => Color.Green,
        "warn" => Color.Yellow,
        "critical" => Color.Red,
        _ => Color.Grey,
    };

    public static string Status(string? status) =>
        $"[{StatusColor(status).ToMarkup()}]{Markup.Escape(status ?? "unknown")}[/]";

    /// <summary>The colour of a verdict: approve green, approve with modifications yellow, deny red.</summary>
    public static Color VerdictColor(string? verdict) => verdict switch
    {
        "approve" => Color.Green,
        "approve_with_modifications" => Color.Yellow,
        "deny_with_reason" => Color.Red,
        _ => Color.Grey,
    };

    public static string Verdict(string? verdict) =>
        $"[{VerdictColor(verdict).ToMarkup()}]{Markup.Escape(verdict ?? "–")}[/]";

    public static string Escape(string? text) => Markup.Escape(text ?? "–");
}
