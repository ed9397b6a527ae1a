using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ratelord.Core.Providers;

/// <summary>
/// Reads the values that rate-limit signals are written in: numbers, dates, Go durations and
/// structured lists in headers, and numbers in a JSON body.
/// </summary>
/// <remarks>
/// Nothing here throws on what a server sent. A value that cannot be read comes back null, and the
/// parsers carry that null through as "unknown": a number made up from garbage could let through
/// traffic that the provider is about to refuse.
/// </remarks>
internal static class ResponseValues
{
    /// <summary>
    /// Go's duration units, <c>ms</c> ahead of <c>m</c> so the longer one matches first. Go writes
    /// microseconds as <c>us</c> or with either micro sign.
    /// </summary>
    private static readonly (string Unit, double Seconds)[] GoUnits =
    [
        ("ns", 1e-9),
        ("us", 1e-6),
        ("\u00b5s", 1e-6),
        ("\u03bcs", 1e-6),
        ("ms", 1e-3),
        ("s", 1),
        ("m", 60),
        ("h", 3600),
    ];

    /// <summary>RFC 9110 lets a recipient meet the obsolete RFC 850 and asctime forms too.</summary>
    private static readonly string[] HttpDateFormats =
    [
        "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        "ddd, d MMM yyyy HH':'mm':'ss 'GMT'",
        "ddd, dd MMM yyyy HH':'mm':'ss 'UTC'",
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'",
        "ddd MMM d HH':'mm':'ss yyyy",
    ];

    private static readonly string[] Rfc3339Formats =
    [
        "yyyy-MM-dd'T'HH':'mm':'ss.FFFFFFFK",
    ];

    /// <summary>
    /// A non-negative, finite number, or null for anything else: empty, garbage, negative, NaN or
    /// infinite.
    /// </summary>
    public static double? Number(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parsed = double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value);

        return parsed && double.IsFinite(value) && value >= 0 ? value : null;
    }

    /// <summary>
    /// Every comma-separated item of every line of the named header, trimmed: HTTP joins repeated
    /// lines with commas, so a proxy may have folded two lines into one.
    /// </summary>
    public static IEnumerable<string> Items(ProviderResponse response, string name) =>
        response.HeaderValues(name).SelectMany(line => (line ?? string.Empty).Split(',')).Select(item => item.Trim());

    /// <summary>The lowest of the values, or null when there are none or any one is unknown.</summary>
    /// <remarks>
    /// An unknown value could be the lowest, so one unreadable line makes the whole reading
    /// unknown rather than letting the readable lines speak for it.
    /// </remarks>
    public static double? Lowest(IEnumerable<double?> values) => Merge(values, Math.Min);

    /// <summary>The highest of the values, or null when there are none or any one is unknown.</summary>
    public static double? Highest(IEnumerable<double?> values) => Merge(values, Math.Max);

    /// <summary>The lowest number across every line of the named header: the conservative limit or remaining.</summary>
    public static double? LowestNumber(ProviderResponse response, string name) =>
        Lowest(Items(response, name).Select(item => Number(item)));

    /// <summary>The highest number across every line of the named header: the conservative used.</summary>
    public static double? HighestNumber(ProviderResponse response, string name) =>
        Highest(Items(response, name).Select(item => Number(item)));

    /// <summary>What is left of a limit once used is spent; never below 0, even when used exceeds the limit.</summary>
    public static double? RemainingFrom(double? limit, double? used) =>
        limit is { } capacity && used is { } spent ? Math.Max(0, capacity - spent) : null;

    /// <summary>An HTTP-date (RFC 9110: IMF-fixdate, or the obsolete RFC 850 and asctime forms).</summary>
    public static DateTimeOffset? HttpDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parsed = DateTimeOffset.TryParseExact(
            text.Trim(),
            HttpDateFormats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces,
            out var moment);

        return parsed ? moment : null;
    }

    /// <summary>An RFC 3339 timestamp such as <c>2026-12-03T12:00:00.015Z</c>.</summary>
    public static DateTimeOffset? Rfc3339(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // RFC 3339 allows a lower-case t and z, and more fractional digits than .NET's seven.
        var normalized = TrimFraction(text.Trim().ToUpperInvariant());
        var parsed = DateTimeOffset.TryParseExact(
            normalized,
            Rfc3339Formats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal,
            out var moment);

        return parsed ? moment : null;
    }

    /// <summary>
    /// A Go duration such as <c>12ms</c>, <c>6m0s</c> or <c>1h2m3.5s</c>, in seconds. Negative
    /// durations are unknown like any other negative number.
    /// </summary>
    public static double? GoDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var rest = text.Trim();
        if (rest.StartsWith('+'))
        {
            rest = rest[1..];
        }

        // Go writes a zero duration without a unit.
        if (rest == "0")
        {
            return 0;
        }

        var total = 0.0;
        var position = 0;
        while (position < rest.Length)
        {
            var start = position;
            while (position < rest.Length && (char.IsAsciiDigit(rest[position]) || rest[position] == '.'))
            {
                position++;
            }

            var amount = Number(rest[start..position]);
            var unit = GoUnits.FirstOrDefault(u => rest.AsSpan(position).StartsWith(u.Unit, StringComparison.Ordinal));
            if (amount is null || unit.Unit is null)
            {
                return null;
            }

            total += amount.Value * unit.Seconds;
            position += unit.Unit.Length;
        }

        return double.IsFinite(total) ? total : null;
    }

    /// <summary>
    /// The members of a structured list (RFC 9651) spread over every line of the named header,
    /// as the lines of a list field form one list.
    /// </summary>
    public static IReadOnlyList<ListMember> List(ProviderResponse response, string name) =>
        List(response.HeaderValues(name));

    /// <summary>The members of a structured list written over one or more lines.</summary>
    /// <remarks>
    /// Lenient on purpose: names may be strings or tokens, and a member that starts with a
    /// parameter (<c>r=5;t=3</c>) is an unnamed one, so older drafts and sloppy servers still read.
    /// </remarks>
    public static IReadOnlyList<ListMember> List(IEnumerable<string> lines)
    {
        var members = new List<ListMember>();
        foreach (var text in SplitOutsideQuotes(string.Join(',', lines), ','))
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var parts = SplitOutsideQuotes(text, ';').Select(part => part.Trim()).ToList();
            var bare = parts[0].StartsWith('"') || !parts[0].Contains('=', StringComparison.Ordinal);
            var name = bare ? Unquote(parts[0]) : string.Empty;

            // A structured-field token cannot start with a digit or a sign, so such an item is a number.
            var lead = parts[0].FirstOrDefault();
            var numeric = bare && (char.IsAsciiDigit(lead) || lead is '-' or '+' or '.');
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in parts.Skip(bare ? 1 : 0).Where(p => p.Length > 0))
            {
                var equals = parameter.IndexOf('=', StringComparison.Ordinal);
                var key = equals < 0 ? parameter : parameter[..equals].Trim();
                var value = equals < 0 ? string.Empty : Unquote(parameter[(equals + 1)..].Trim());

                // As in RFC 9651, a repeated parameter keeps its last value.
                parameters[key] = value;
            }

            members.Add(new ListMember(name, numeric, parameters));
        }

        return members;
    }

    /// <summary>
    /// Reads a limit header that may carry a quota policy list, as Envoy and draft 03 of the IETF
    /// headers write it: <c>10</c> or <c>10, 10;w=1, 1000;w=3600</c>.
    /// </summary>
    /// <remarks>
    /// The bare numbers are the limit in force (the lowest, if lines repeat it); the members with
    /// parameters are the policies, and the window is that of the policy whose quota is the limit.
    /// A list of policies alone is read as its tightest policy.
    /// </remarks>
    public static (double? Limit, double? Window) PolicyLimit(ProviderResponse response, string name)
    {
        var members = List(response.HeaderValues(name));
        var bare = members.Where(m => m.Parameters.Count == 0).ToList();
        var policies = members.Where(m => m.Parameters.Count > 0).ToList();

        var limit = Lowest((bare.Count > 0 ? bare : policies).Select(m => Number(m.Name)));
        if (limit is null)
        {
            return (null, null);
        }

        var window = Highest(policies
            .Where(p => Number(p.Name) == limit)
            .Select(p => Number(p.Parameters.GetValueOrDefault("w"))));

        return (limit, window);
    }

    /// <summary>The element at the path of property names, or null when any step is missing.</summary>
    public static JsonElement? Find(JsonElement? element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current is not { ValueKind: JsonValueKind.Object } parent
                || !parent.TryGetProperty(name, out var child))
            {
                return null;
            }

            current = child;
        }

        return current;
    }

    /// <summary>A JSON number, or a string holding one, read by the rules of <see cref="Number(string)"/>.</summary>
    public static double? Number(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.Number } number when number.TryGetDouble(out var value) =>
            double.IsFinite(value) && value >= 0 ? value : null,
        { ValueKind: JsonValueKind.String } text => Number(text.GetString()),
        _ => null,
    };

    /// <summary>A JSON string, or null for any other kind of element.</summary>
    public static string? Text(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.String } text ? text.GetString() : null;

    /// <summary>The elements of a JSON array, or none when the element is not an array.</summary>
    public static IEnumerable<JsonElement> Elements(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    private static double? Merge(IEnumerable<double?> values, Func<double, double, double> pick)
    {
        double? merged = null;
        foreach (var value in values)
        {
            if (value is null)
            {
                return null;
            }

            merged = merged is null ? value : pick(merged.Value, value.Value);
        }

        return merged;
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (quoted && text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && text[i] == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);

        return parts;
    }

    private static string Unquote(string text)
    {
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"')
        {
            return text;
        }

        var unquoted = new StringBuilder(text.Length);
        for (var i = 1; i < text.Length - 1; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length - 1)
            {
                i++;
            }

            unquoted.Append(text[i]);
        }

        return unquoted.ToString();
    }

    private static string TrimFraction(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return text;
        }

        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        // Beyond seven digits lies less than a tenth of a microsecond, finer than a tick.
        return end - dot - 1 > 7 ? text[..(dot + 8)] + text[end..] : text;
    }

    /// <summary>One member of a structured list and its parameters.</summary>
    /// <param name="Name">The member's string or token, its number as written, or empty when it has none.</param>
    /// <param name="Numeric">True when the member is a number rather than a name.</param>
    /// <param name="Parameters">The member's parameters by key; a key without a value maps to empty.</param>
    public sealed record ListMember(string Name, bool Numeric, IReadOnlyDictionary<string, string> Parameters);
}
