using System.Globalization;
using System.Text.RegularExpressions;

namespace Ratelord.Tests.Metrics;

/// <summary>One sample of an exposition: its name, labels and value.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A metric family: its type, its help text and its samples.</summary>
internal sealed record Family(string Name, string Type, string Help, List<Sample> Samples);

/// <summary>
/// A strict reader of the Prometheus text exposition format (version 0.0.4): every line must be a comment, a
/// <c># HELP</c>, a <c># TYPE</c> or a well-formed sample of a family whose type was declared; anything else fails.
/// </summary>
internal static partial class PrometheusText
{
    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    public static Dictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ', 2);
                help[parts[0]] = parts.Length > 1 ? parts[1] : "";
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.True(parts.Length == 2, $"line {number}: a TYPE line names a family and a type: {line}");
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.False(families.ContainsKey(parts[0]), $"line {number}: family {parts[0]} declared twice");
                families[parts[0]] = new Family(parts[0], parts[1], help.GetValueOrDefault(parts[0], ""), []);
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"line {number} is not a sample: {line}");
            var name = match.Groups["name"].Value;
            var labels = ParseLabels(match.Groups["labels"].Value, number);
            var value = ParseValue(match.Groups["value"].Value, number);
            var family = FamilyOf(families, name);
            Assert.True(family is not null, $"line {number}: sample {name} belongs to no declared family");
            family.Samples.Add(new Sample(name, labels, value));
        }

        return families;
    }

    private static Family? FamilyOf(Dictionary<string, Family> families, string sample)
    {
        if (families.TryGetValue(sample, out var exact))
        {
            return exact;
        }

        foreach (var suffix in HistogramSuffixes)
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sample[..^suffix.Length], out var histogram)
                && histogram.Type is "histogram" or "summary")
            {
                return histogram;
            }
        }

        return null;
    }

    private static Dictionary<string, string> ParseLabels(string text, int number)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.Length == 0)
        {
            return labels;
        }

        var rest = text;
        while (rest.Length > 0)
        {
            var match = Label().Match(rest);
            Assert.True(match.Success, $"line {number}: malformed labels {{{text}}}");
            var value = match.Groups["value"].Value
                .Replace("\\n", "\n", StringComparison.Ordinal)
                .Replace("\\\"", "\"", StringComparison.Ordinal)
                .Replace("\\\\", "\\", StringComparison.Ordinal);
            Assert.True(
                labels.TryAdd(match.Groups["name"].Value, value),
                $"line {number}: label repeated in {{{text}}}");
            rest = rest[match.Length..];
        }

        return labels;
    }

    private static double ParseValue(string text, int number) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new Xunit.Sdk.XunitException($"line {number}: '{text}' is not a sample value"),
    };

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( -?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)"",?")]
    private static partial Regex Label();
}
