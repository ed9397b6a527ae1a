using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;
using Ratelord.Core.Providers;

namespace Ratelord.Host.Endpoints;

/// <summary>A provider's response as clients send it: status, header pairs, body.</summary>
public sealed record ProviderResponseBody(int? Status, JsonElement? Headers, JsonElement? Body)
{
    /// <summary>
    /// Converts to the core's form; every malformed header pair is reported under <paramref name="prefix"/>.
    /// </summary>
    public ProviderResponse ToResponse(string prefix)
    {
        var failures = new List<ValidationFailure>();
        var headers = new List<KeyValuePair<string, string>>();
        if (Status is null)
        {
            failures.Add(new ValidationFailure(
                prefix + "status",
                "'status' is required: the HTTP status the provider answered."));
        }

        if (Headers is { ValueKind: JsonValueKind.Array } list)
        {
            var index = 0;
            foreach (var pair in list.EnumerateArray())
            {
                if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
                    && pair[0].ValueKind == JsonValueKind.String && pair[1].ValueKind == JsonValueKind.String)
                {
                    headers.Add(new(pair[0].GetString()!, pair[1].GetString()!));
                }
                else
                {
                    failures.Add(new ValidationFailure(
                        $"{prefix}headers[{index}]", "Each header must be a [name, value] pair of two strings."));
                }

                index++;
            }
        }
        else if (Headers is { ValueKind: not JsonValueKind.Null })
        {
            failures.Add(new ValidationFailure(prefix + "headers", "'headers' must be a list of [name, value] pairs."));
        }

        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }

        var body = Body is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } b
            ? b.Clone()
            : (JsonElement?)null;

        return new ProviderResponse(Status!.Value, headers, body);
    }
}
