using System.Net.Sockets;
using System.Text.Json;

namespace Ratelord.Sdk;

// Telling a Ratelord daemon from whatever else answers at the address, and saying in words why nothing answered.
public sealed partial class RatelordClient
{
    private const string NotRatelord = "not_ratelord";

    /// <summary>
    /// The fields the daemon sends in every answer to a path. Another HTTP server at the address may well answer
    /// 200 with <c>{}</c>; read forgivingly, that would pass for a daemon with nothing to show. A path not listed
    /// here is only required to answer a JSON object.
    /// </summary>
    private static string[] FieldsAlwaysSent(string route) => route switch
    {
        "v1/health" or "v1/vitals" => ["status", "version"],
        "v1/pools" or "v1/forecasts" => ["as_of", "pools"],
        "v1/pools/detail" => ["pool"],
        "v1/providers" => ["as_of", "providers"],
        "v1/identities" => ["identities"],
        "v1/events" => ["events", "last_position"],
        "v1/intents" => ["position", "decisions"],
        "v1/graph" => ["nodes", "edges"],
        "v1/policy" or "v1/policy/reload" => ["version", "policies"],
        "v1/policy/validate" => ["valid", "errors"],
        "v1/replay/verify" => ["equal", "position"],
        _ when route.StartsWith("v1/intents/", StringComparison.Ordinal) => ["intent_id"],
        _ => [],
    };

    /// <summary>
    /// Why an answer cannot be the daemon's: not JSON, not an object, or without a field the daemon always sends.
    /// Null when it can be.
    /// </summary>
    private static string? NotFromRatelord(HttpMethod method, string path, HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && !IsJson(mediaType))
        {
            return $"{Request(method, path)} answered {mediaType}, not JSON";
        }

        return null;
    }

    /// <inheritdoc cref="NotFromRatelord(HttpMethod, string, HttpResponseMessage)"/>
    private static string? NotFromRatelord(HttpMethod method, string path, JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object)
        {
            return $"{Request(method, path)} answered a JSON {answer.ValueKind.ToString().ToLowerInvariant()}, "
                + "not an object";
        }

        var missing = FieldsAlwaysSent(Route(path))
            .Where(field => !answer.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            .ToList();

        return missing.Count == 0 ? null : $"{Request(method, path)} answered without {string.Join(" and ", missing)}";
    }

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static string Route(string path) => path.Split('?', 2)[0];

    private static string Request(HttpMethod method, string path) => $"{method.Method} /{Route(path)}";

    /// <summary>
    /// A failed connection in a few words ("connection refused"). The socket's own message also names the address,
    /// which the message around it already gives.
    /// </summary>
    private static string Describe(HttpRequestException exception) =>
        (exception.InnerException as SocketException)?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "no such host",
            SocketError.TimedOut => "the connection timed out",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown =>
                "no route to the host",
            SocketError.ConnectionReset or SocketError.ConnectionAborted => "the connection was reset",
            _ => exception.Message,
        };
}
