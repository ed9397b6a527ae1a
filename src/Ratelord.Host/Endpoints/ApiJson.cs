using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ratelord.Host.Endpoints;

/// <summary>The API's JSON: snake_case, enumerations by wire name, unknown request fields refused.</summary>
public static class ApiJson
{
    /// <summary>For request bodies: a misspelt field is an error, not silently ignored.</summary>
    public static JsonSerializerOptions Requests { get; } = Create(strict: true);

    /// <summary>For answers.</summary>
    public static JsonSerializerOptions Responses { get; } = Create(strict: false);

    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }

    private static JsonSerializerOptions Create(bool strict)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        if (strict)
        {
            options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.PropertyNameCaseInsensitive = false;
        }

        options.MakeReadOnly(populateMissingResolver: true);

        return options;
    }
}
