using System.Text.Json;

namespace Ratelord.Sdk;

/// <summary>How an approved call ended.</summary>
public enum OutcomeKind
{
    /// <summary>The call was made and the API answered with success; the default.</summary>
    Completed,

    /// <summary>The call was made and failed; it may still have been charged.</summary>
    Failed,

    /// <summary>The call was never made; the reservation is released without a charge.</summary>
    Cancelled,
}

/// <summary>
/// What an approved call really did, reported with <see cref="RatelordClient.ReportOutcomeAsync"/>: how it ended,
/// what it cost and, when the call was made, the provider's response status and headers, from which the daemon
/// reads the pool's limit, remaining quota and reset.
/// </summary>
public sealed record Outcome
{
    /// <summary>How the call ended. Defaults to <see cref="OutcomeKind.Completed"/>.</summary>
    public OutcomeKind Kind { get; init; } = OutcomeKind.Completed;

    /// <summary>
    /// What the call really cost; null lets the daemon use the provider's counters or the expected cost.
    /// </summary>
    public double? ActualCost { get; init; }

    /// <summary>
    /// The provider's header format family (<c>github</c>, <c>openai</c>, <c>anthropic</c>, ...); null lets the
    /// daemon recognise it (<c>auto</c>).
    /// </summary>
    public string? Provider { get; init; }

    /// <summary>
    /// The provider's HTTP status; null when no response is reported. Required when headers or a body are given.
    /// </summary>
    public int? Status { get; init; }

    /// <summary>
    /// The provider's response headers as name and value pairs, one pair per value, in the order received.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The provider's response body, when its rate-limit information is in the body.</summary>
    public JsonElement? Body { get; init; }

    /// <summary>An outcome with no provider response: cost only.</summary>
    /// <param name="kind">How the call ended.</param>
    /// <param name="actualCost">What it cost, when known.</param>
    public static Outcome Of(OutcomeKind kind, double? actualCost = null) =>
        new() { Kind = kind, ActualCost = actualCost };

    /// <summary>
    /// An outcome from a provider's response: completed for a success status, failed otherwise, with every header of
    /// the response and its content, as received. The body is not read, so the caller may still read it.
    /// </summary>
    /// <param name="response">The provider's response.</param>
    /// <param name="actualCost">What the call cost, when the caller knows better than the provider's counters.</param>
    /// <param name="provider">The header format family, or null to let the daemon recognise it.</param>
    public static Outcome FromResponse(HttpResponseMessage response, double? actualCost = null, string? provider = null)
    {
        ArgumentNullException.ThrowIfNull(response);

        // NonValidated gives the values as the provider sent them: the parsed forms would reformat a date or split
        // a value at commas, and the daemon must read what the provider wrote.
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in response.Headers.NonValidated)
        {
            headers.AddRange(header.Value.Select(value => KeyValuePair.Create(header.Key, value)));
        }

        foreach (var header in response.Content.Headers.NonValidated)
        {
            headers.AddRange(header.Value.Select(value => KeyValuePair.Create(header.Key, value)));
        }

        return new Outcome
        {
            Kind = response.IsSuccessStatusCode ? OutcomeKind.Completed : OutcomeKind.Failed,
            ActualCost = actualCost,
            Provider = provider,
            Status = (int)response.StatusCode,
            Headers = headers,
        };
    }

    /// <summary>
    /// An outcome from a response the caller received some other way, as a status and raw header pairs.
    /// </summary>
    /// <param name="status">The provider's HTTP status.</param>
    /// <param name="headers">The provider's headers, one pair per value.</param>
    /// <param name="actualCost">What the call cost, when known.</param>
    /// <param name="provider">The header format family, or null to let the daemon recognise it.</param>
    public static Outcome FromStatus(
        int status,
        IEnumerable<KeyValuePair<string, string>> headers,
        double? actualCost = null,
        string? provider = null)
    {
        ArgumentNullException.ThrowIfNull(headers);

        return new Outcome
        {
            Kind = status is >= 200 and < 300 ? OutcomeKind.Completed : OutcomeKind.Failed,
            ActualCost = actualCost,
            Provider = provider,
            Status = status,
            Headers = [.. headers],
        };
    }
}
