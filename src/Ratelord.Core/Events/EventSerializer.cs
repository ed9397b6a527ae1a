using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ratelord.Core.Events;

/// <summary>
/// JSON form of events, shared by every store and the API so a payload reads the same everywhere:
/// snake_case names, enumerations as their wire names.
/// </summary>
public static class EventSerializer
{
    /// <summary>The options used for payloads; also suitable for API bodies.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string SerializePayload(RatelordEvent payload) =>
        JsonSerializer.Serialize(payload, payload.GetType(), Options);

    /// <summary>Reads a stored payload back; throws <see cref="InvalidDataException"/> for an unknown type.</summary>
    public static RatelordEvent DeserializePayload(string type, string json)
    {
        var clrType = EventTypes.TypeOf(type)
            ?? throw new InvalidDataException($"The log holds an event of unknown type '{type}'.");

        return (RatelordEvent)(JsonSerializer.Deserialize(json, clrType, Options)
            ?? throw new InvalidDataException($"The log holds an empty payload for type '{type}'."));
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);

        return options;
    }
}
