using System.Collections.Frozen;

namespace Ratelord.Core.Events;

/// <summary>The registry of event types: wire name and schema version of every payload type.</summary>
public static class EventTypes
{
    private static readonly FrozenDictionary<Type, (string Name, int Version)> ByType =
        new Dictionary<Type, (string, int)>
        {
            [typeof(SystemStarted)] = (SystemStarted.Name, 1),
            [typeof(IdentityRegistered)] = (IdentityRegistered.Name, 1),
            [typeof(IdentityDeleted)] = (IdentityDeleted.Name, 1),
            [typeof(ProviderObserved)] = (ProviderObserved.Name, 1),
            [typeof(IntentSubmitted)] = (IntentSubmitted.Name, 1),
            [typeof(IntentDecided)] = (IntentDecided.Name, 1),
            [typeof(IntentSettled)] = (IntentSettled.Name, 1),
            [typeof(ForecastComputed)] = (ForecastComputed.Name, 1),
            [typeof(PolicyTriggered)] = (PolicyTriggered.Name, 1),
            [typeof(DriftDetected)] = (DriftDetected.Name, 1),
            [typeof(ProviderConfigured)] = (ProviderConfigured.Name, 1),
            [typeof(ProviderPollObserved)] = (ProviderPollObserved.Name, 1),
            [typeof(ProviderError)] = (ProviderError.Name, 1),
            [typeof(ThrottleUnexplained)] = (ThrottleUnexplained.Name, 1),
            [typeof(LearnedLimitRecorded)] = (LearnedLimitRecorded.Name, 1),
            [typeof(PolicyUpdated)] = (PolicyUpdated.Name, 1),
            [typeof(PolicyRejected)] = (PolicyRejected.Name, 1),
        }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> ByName =
        ByType.ToFrozenDictionary(pair => pair.Value.Name, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>Every known wire name.</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    public static string NameOf(RatelordEvent payload) => ByType[payload.GetType()].Name;

    public static int SchemaVersionOf(RatelordEvent payload) => ByType[payload.GetType()].Version;

    /// <summary>The payload type for a wire name, or null when the name is not an event type.</summary>
    public static Type? TypeOf(string name) => ByName.GetValueOrDefault(name);
}
