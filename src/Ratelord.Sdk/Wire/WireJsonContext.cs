using System.Text.Json.Serialization;

namespace Ratelord.Sdk.Wire;

/// <summary>
/// Source-generated serialization of the daemon's JSON: snake_case names, absent rather than null optional fields,
/// and no reflection, so the SDK works trimmed and AOT-compiled.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(IntentRequest))]
[JsonSerializable(typeof(DecisionAnswer))]
[JsonSerializable(typeof(OutcomeRequest))]
[JsonSerializable(typeof(IdentityRequest))]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(ProblemAnswer))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
