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

            // Valid JSON of the wrong type: say what the field takes, not which .NET type it became.
            if (field is not null
                && exception.Message.Contains("could not be converted", StringComparison.Ordinal)
                && Expected(typeof(T), field) is { } expected)
            {
                throw new ApiProblemException(400, "wrong_type", $"'{field}' must be {expected}.", field);
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

    /// <summary>
    /// What <paramref name="field"/> (a snake_case path such as <c>response.status</c>) of <paramref name="type"/>
    /// takes, in the API's words; null when the path names no property. System.Text.Json's own message names the
    /// .NET type being built, which means nothing to a client.
    /// </summary>
    private static string? Expected(Type type, string field)
    {
        foreach (var segment in field.Split('.'))
        {
            var name = segment.Split('[')[0];
            var property = type.GetProperties()
                .FirstOrDefault(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == name);
            if (property is null)
            {
                return null;
            }

            type = property.PropertyType;
            if (segment.Contains('[', StringComparison.Ordinal) && ElementOf(type) is { } element)
            {
                type = element;
            }
        }

        type = Nullable.GetUnderlyingType(type) ?? type;

        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type.IsEnum => "one of " + string.Join(
                ", ",
                Enum.GetNames(type).Select(n => $"'{JsonNamingPolicy.SnakeCaseLower.ConvertName(n)}'")),
            _ when type.IsPrimitive || type == typeof(decimal) => "a number",
            _ when IsDictionary(type) => "an object of names to values",
            _ when ElementOf(type) is not null => "a list",
            _ => "an object",
        };
    }

    private static Type? ElementOf(Type type)
    {
        if (type == typeof(string) || IsDictionary(type))
        {
            return null;
        }

        return type.IsArray
            ? type.GetElementType()
            : Generic(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    private static bool IsDictionary(Type type) =>
        Generic(type, typeof(IDictionary<,>)) is not null || Generic(type, typeof(IReadOnlyDictionary<,>)) is not null;

    /// <summary>The closed <paramref name="definition"/> that <paramref name="type"/> is or implements.</summary>
    private static Type? Generic(Type type, Type definition) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    // System.Text.Json appends its own path and position to the message; they are reported separately.
    private static string Clean(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);

        return cut > 0 ? message[..cut] : message;
    }
}
