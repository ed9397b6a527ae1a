using System.Globalization;
using System.Text.Json;

namespace Ratelord.Cli.Output;

/// <summary>
/// Reading the daemon's JSON forgivingly: a field that is missing or null reads as null, so a daemon older or
/// newer than this command still shows what both know.
/// </summary>
internal static class JsonRead
{
    public static JsonElement? Get(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value
            : null;

    public static string? Str(this JsonElement element, string name) => element.Get(name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } value => value.GetRawText(),
        _ => null,
    };

    public static double? Num(this JsonElement element, string name) => element.Get(name) switch
    {
        { ValueKind: JsonValueKind.Number } value => value.GetDouble(),
        { ValueKind: JsonValueKind.String } value when double.TryParse(
            value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    public static bool? Bool(this JsonElement element, string name) => element.Get(name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    public static DateTimeOffset? Time(this JsonElement element, string name) =>
        element.Str(name) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : null;

    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.Get(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    /// <summary>A nested value by path: <c>forecast.tte.p99_s</c>.</summary>
    public static JsonElement? At(this JsonElement element, string path)
    {
        JsonElement? current = element;
        foreach (var part in path.Split('.'))
        {
            current = current?.Get(part);
        }

        return current;
    }

    public static double? NumAt(this JsonElement element, string path) =>
        element.At(path) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : null;

    public static string? StrAt(this JsonElement element, string path) =>
        element.At(path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
