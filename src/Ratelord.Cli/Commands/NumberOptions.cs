using System.ComponentModel;
using System.Globalization;
using System.Numerics;

namespace Ratelord.Cli.Commands;

/// <summary>
/// Reads a number option, checking its range as it reads it. Text that is not such a number is a usage error that
/// names the option and what it takes, where Spectre's own message names only the .NET type
/// ("Failed to convert 'abc' to Int32").
/// </summary>
internal abstract class NumberOption<T>(string option, string expected, T min, T max) : TypeConverter
    where T : struct, INumber<T>
{
    private static readonly NumberStyles Styles =
        typeof(T) == typeof(double) ? NumberStyles.Float : NumberStyles.Integer;

    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || sourceType == typeof(T);

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        var number = value switch
        {
            T given => given,
            string text when T.TryParse(text, Styles, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => (T?)null,
        };

        // Written so that NaN fails it: no comparison with NaN is true.
        return number is { } n && n >= min && n <= max
            ? n
            : throw new CliFailure(CliFailure.Usage, $"{option} must be {expected}, not '{value}'.");
    }
}

/// <summary><c>--limit</c> of <c>events</c>: the daemon's page size bounds it.</summary>
internal sealed class EventLimitOption()
    : NumberOption<int>("--limit", "a whole number from 1 to 1000", 1, 1000);

/// <summary><c>--after</c> of <c>events</c>.</summary>
internal sealed class LogPositionOption()
    : NumberOption<long>("--after", "a log position, 0 or more", 0, long.MaxValue);

/// <summary><c>--cost</c> of <c>intent</c>: any number: the daemon checks the range and names the field.</summary>
internal sealed class CostOption()
    : NumberOption<double>("--cost", "a number", double.MinValue, double.MaxValue);

/// <summary><c>--max-wait</c> of <c>intent</c>: as <c>--cost</c>, the daemon checks the range.</summary>
internal sealed class MaxWaitOption()
    : NumberOption<double>("--max-wait", "a number of seconds", double.MinValue, double.MaxValue);

/// <summary><c>--refresh</c> of <c>top</c>.</summary>
internal sealed class RefreshOption()
    : NumberOption<double>("--refresh", "a number of seconds from 0.1 to 60", 0.1, 60);
