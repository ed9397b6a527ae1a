using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace Ratelord.Tests.Infrastructure;

/// <summary>
/// Builds an instance of any event payload type with every member set to a value that is not the
/// default, so a test written today also covers the event types added tomorrow.
/// </summary>
public static class SampleValues
{
    private static readonly DateTimeOffset BaseTime = new(2026, 3, 1, 9, 30, 15, TimeSpan.FromHours(2));

    public static object Create(Type type, int seed = 1)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Create(underlying, seed);
        }

        if (type == typeof(string))
        {
            return $"value-{seed} ü 🚦 \"quoted\"";
        }

        if (type == typeof(bool))
        {
            return true;
        }

        if (type == typeof(int))
        {
            return 100 + seed;
        }

        if (type == typeof(long))
        {
            return 1_000_000_000_000L + seed;
        }

        if (type == typeof(double))
        {
            return 0.1 + 0.2 + seed;
        }

        if (type == typeof(Guid))
        {
            return Guid.CreateVersion7();
        }

        if (type == typeof(DateTimeOffset))
        {
            return BaseTime.AddTicks(1_234_567 + seed);
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromTicks(98_765_432 + seed);
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);

            return values.GetValue(values.Length - 1)!;
        }

        if (type == typeof(JsonElement))
        {
            var number = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var document = JsonDocument.Parse(
                """{"list":[1,"two",null],"nested":{"ok":true},"seed":""" + number + "}");

            return document.RootElement.Clone();
        }

        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, 2);
            array.SetValue(Create(element, seed), 0);
            array.SetValue(Create(element, seed + 1), 1);

            return array;
        }

        if (type.IsGenericType && DictionaryTypes.Contains(type.GetGenericTypeDefinition()))
        {
            var (key, value) = (type.GetGenericArguments()[0], type.GetGenericArguments()[1]);
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, value))!;
            dictionary.Add(key == typeof(string) ? $"Key{seed}" : Create(key, seed), Create(value, seed));
            dictionary.Add(key == typeof(string) ? "other key" : Create(key, seed + 1), Create(value, seed + 1));

            return dictionary;
        }

        if (type.IsGenericType && ListTypes.Contains(type.GetGenericTypeDefinition()))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Create(element, seed));
            list.Add(Create(element, seed + 1));

            return list;
        }

        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault()
            ?? throw new NotSupportedException($"No public constructor to build a sample {type.Name}.");

        var arguments = constructor.GetParameters().Select((p, i) => Create(p.ParameterType, seed + i + 1));

        return constructor.Invoke([.. arguments]);
    }

    private static readonly Type[] DictionaryTypes =
        [typeof(IReadOnlyDictionary<,>), typeof(IDictionary<,>), typeof(Dictionary<,>)];

    private static readonly Type[] ListTypes =
        [
            typeof(IReadOnlyList<>), typeof(IList<>), typeof(List<>), typeof(IEnumerable<>),
            typeof(IReadOnlyCollection<>), typeof(ICollection<>),
        ];
}
