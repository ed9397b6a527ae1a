using System.Text.Json;

namespace Ratelord.Host.Http;

/// <summary>Reads request bodies strictly: JSON only, within the size limit, every failure naming its cause.</summary>
public static class JsonBody
{
    public static async Task<T> ReadAsync<T>(
        HttpRequest request,
        JsonSerializerOptions options,
        CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            throw new ApiProblemException(
                StatusCodes.Status415UnsupportedMediaType,
                "unsupported_media_type",
                $"Send the body as application/json, not '{request.ContentType ?? "(none)"}'.");
        }

        T? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            var field = string.IsNullOrEmpty(exception.Path) || exception.Path == "$"
                ? null
                : exception.Path.TrimStart('$', '.');
            if (exception.Message.Contains("could not be mapped", StringComparison.Ordinal))
            {
                throw new ApiProblemException(
                    400,
                    "unknown_field",
                    $"'{field}' is not a field of this request; check its spelling (names are snake_case).",
                    field);
            }

            var where = exception.LineNumber is { } line
                ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})"
                : "";

            throw new ApiProblemException(
                400,
                "malformed_json",
                $"The body is not valid JSON for this request{where}: {Clean(exception.Message)}",
                field);
        }

        return body ?? throw new ApiProblemException(400, "empty_body", "The body must be a JSON object, not null.");
    }

    // System.Text.Json appends its own path and position to the message; they are reported separately.
    private static string Clean(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);

        return cut > 0 ? message[..cut] : message;
    }
}
