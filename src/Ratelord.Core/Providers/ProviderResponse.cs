using System.Text.Json;

namespace Ratelord.Core.Providers;

/// <summary>
/// An HTTP response as a provider sent it: the status, every header line in the order received
/// (names in any letter case, the same name possibly more than once) and the JSON body, if any.
/// </summary>
public sealed record ProviderResponse(
    int Status,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    JsonElement? Body)
{
    /// <summary>Every value of the named header, in order, matching the name case-insensitively.</summary>
    public IEnumerable<string> HeaderValues(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return header.Value;
            }
        }
    }

    /// <summary>The first value of the named header, or null when the response lacks it.</summary>
    public string? Header(string name) => HeaderValues(name).FirstOrDefault();

    /// <summary>True when the response carries the named header at least once.</summary>
    public bool HasHeader(string name) => HeaderValues(name).Any();
}
