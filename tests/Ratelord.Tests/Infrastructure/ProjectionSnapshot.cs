using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;

namespace Ratelord.Tests.Infrastructure;

/// <summary>
/// A deterministic JSON picture of projections: every field of every Ratelord type, private ones
/// included, so two states that would decide differently cannot look the same. Collections are
/// written in a fixed order; only what depends on how the state was read, not on what it holds, is
/// left out (the expiry queue's stale entries, locks and delegates).
/// </summary>
public static class ProjectionSnapshot
{
    private const int MaxDepth = 24;

    private static readonly JsonSerializerOptions Json = new(EventSerializer.Options) { WriteIndented = true };

    /// <summary>The whole state, plus the answers of the queries the deciders ask of it.</summary>
    public static string Of(RatelordState state)
    {
        var node = (JsonObject)Dump(state, 0)!;
        node["query:next_expiry"] = JsonSerializer.SerializeToNode(state.Intents.NextExpiry(), Json);
        node["query:lapsed_at_end_of_time"] = JsonSerializer.SerializeToNode(
            state.Intents.LapsedAt(DateTimeOffset.MaxValue).Select(i => i.IntentId), Json);

        return node.ToJsonString(Json);
    }

    private static JsonNode? Dump(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException("The projection graph is deeper than expected; is there a cycle?");
        }

        switch (value)
        {
            case null:
                return null;
            case string or bool or int or long or double or float or decimal:
            case Guid or DateTimeOffset or DateTime or TimeSpan:
                return JsonSerializer.SerializeToNode(value, value.GetType(), Json);
            case Enum:
                return JsonValue.Create(value.ToString());
            case JsonElement element:
                return JsonNode.Parse(element.GetRawText());
            case Delegate or Lock or SemaphoreSlim:
                return null;
        }

        var type = value.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(PriorityQueue<,>))
        {
            // Readers drop stale entries from the expiry queue as they peek; what it answers is compared instead.
            return null;
        }

        if (value is IDictionary dictionary)
        {
            var entries = new JsonObject();
            foreach (var key in dictionary.Keys.Cast<object>().OrderBy(Key, StringComparer.Ordinal))
            {
                entries[Key(key)] = Dump(dictionary[key], depth + 1);
            }

            return entries;
        }

        if (value is IEnumerable sequence)
        {
            var items = sequence.Cast<object?>().Select(item => Dump(item, depth + 1)).ToList();
            if (IsUnordered(type))
            {
                items = [.. items.OrderBy(i => i?.ToJsonString() ?? "null", StringComparer.Ordinal)];
            }

            return new JsonArray([.. items]);
        }

        if (type.Namespace?.StartsWith("Ratelord.", StringComparison.Ordinal) != true && !type.IsValueType)
        {
            return JsonSerializer.SerializeToNode(value, type, Json);
        }

        var fields = new JsonObject();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            const BindingFlags Declared =
                BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (var field in t.GetFields(Declared).OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                fields[$"{t.Name}.{field.Name}"] = Dump(field.GetValue(value), depth + 1);
            }
        }

        return fields;
    }

    private static bool IsUnordered(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISet<>));

    private static string Key(object key) => key switch
    {
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? "",
    };
}
