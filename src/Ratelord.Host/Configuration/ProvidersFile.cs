using System.Globalization;
using System.Text.Json;
using Ratelord.Core.Commands;
using Ratelord.Core.Providers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ratelord.Host.Configuration;

/// <summary>One provider instance the daemon polls, as the providers file describes it, defaults filled in.</summary>
/// <remarks>
/// The credential is held by reference: <see cref="CredentialEnv"/> names the environment variable
/// whose value is read at each poll, so a rotated secret is picked up without a restart and the
/// value itself is never part of the configuration.
/// </remarks>
public sealed record PollerOptions
{
    /// <summary>Default time between two successful polls: 60 s.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(60);

    /// <summary>Default time a poll may take: 10 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default longest wait between failed polls: 10 minutes.</summary>
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromMinutes(10);

    /// <summary>Default stale age, in intervals: a pool is stale after 3 polls' worth of silence.</summary>
    public const int DefaultStaleIntervals = 3;

    /// <summary>Default unknown age, in intervals: a pool's status is unknown after 10.</summary>
    public const int DefaultUnknownIntervals = 10;

    /// <summary>The instance's id, unique in the file.</summary>
    public required string Id { get; init; }

    /// <summary>github, openai, anthropic or generic.</summary>
    public required string Kind { get; init; }

    /// <summary>The format family answers are read with, or <c>auto</c>.</summary>
    public required string Family { get; init; }

    /// <summary>The identity whose pools the polls describe.</summary>
    public required string IdentityId { get; init; }

    /// <summary>The URL polled: the base URL with the request path.</summary>
    public required Uri RequestUri { get; init; }

    /// <summary>The HTTP method of the poll.</summary>
    public required string Method { get; init; }

    /// <summary>The JSON body of the poll, for the cheap requests that LLM APIs need.</summary>
    public string? Body { get; init; }

    /// <summary>Extra headers sent with every poll; never the credential, which has its own setting.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Name of the environment variable that holds the credential, if the poll needs one.</summary>
    public string? CredentialEnv { get; init; }

    /// <summary>The header the credential is sent in.</summary>
    public string CredentialHeader { get; init; } = "Authorization";

    /// <summary>What precedes the credential in its header (<c>Bearer </c>).</summary>
    public string CredentialPrefix { get; init; } = "Bearer ";

    /// <summary>Time between two successful polls.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>Time a poll may take before it counts as a timeout.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>The longest wait between failed polls, unless the provider asks for longer.</summary>
    public TimeSpan MaxBackoff { get; init; } = DefaultMaxBackoff;

    /// <summary>Age of a pool's last reading after which it is stale.</summary>
    public required TimeSpan StaleAfter { get; init; }

    /// <summary>Age of a pool's last reading after which its status is unknown.</summary>
    public required TimeSpan UnknownAfter { get; init; }

    /// <summary>Method and URL without user information or query, as recorded and shown.</summary>
    public string Endpoint => $"{Method} {RequestUri.GetLeftPart(UriPartial.Path)}";

    /// <summary>The command that records this instance as polled.</summary>
    public ConfigureProvider ToCommand() => new(
        Id,
        Kind,
        Family,
        IdentityId,
        Endpoint,
        Interval.TotalSeconds,
        MaxBackoff.TotalSeconds,
        StaleAfter.TotalSeconds,
        UnknownAfter.TotalSeconds,
        CredentialEnv);
}

/// <summary>The provider instances of a providers file.</summary>
public sealed record ProvidersDocument(string? Path, IReadOnlyList<PollerOptions> Providers)
{
    /// <summary>No providers file: nothing is polled.</summary>
    public static ProvidersDocument None { get; } = new(null, []);
}

/// <summary>
/// Loads the providers file (YAML, or JSON which YAML reads too): the provider instances the daemon
/// polls. Every error names the file, the line and the field, and says how to fix it; a file with
/// any error is refused whole, before the daemon opens its log.
/// </summary>
public static class ProvidersFile
{
    private static readonly string[] Keys =
    [
        "id", "kind", "family", "base_url", "identity_id", "credential_env", "credential_header",
        "credential_prefix", "interval", "timeout", "max_backoff", "stale_after", "unknown_after", "model",
        "request",
    ];

    private static readonly string[] RequestKeys = ["method", "path", "body", "headers"];

    private static readonly string[] Methods = ["GET", "POST", "HEAD"];

    /// <summary>
    /// Reads and checks the file; <paramref name="environment"/> tells whether each named credential
    /// variable is set, without the value leaving this method.
    /// </summary>
    /// <exception cref="ProvidersFileException">The file has errors; every one is listed.</exception>
    public static ProvidersDocument Load(string path, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(environment);

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(path)));
        }
        catch (YamlException exception)
        {
            throw new ProvidersFileException([$"{path}:{exception.Start.Line}: {exception.Message}"]);
        }

        if (stream.Documents.Count == 0
            || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("providers"), out var list))
        {
            throw new ProvidersFileException([$"{path}:1: the file needs a 'providers' list; see docs/providers.md."]);
        }

        var errors = new List<string>();
        foreach (var key in root.Children.Keys.OfType<YamlScalarNode>().Where(k => k.Value != "providers"))
        {
            errors.Add($"{path}:{key.Start.Line}: unknown section '{key.Value}'; the file holds only 'providers'.");
        }

        if (list is not YamlSequenceNode entries)
        {
            throw new ProvidersFileException([.. errors, $"{path}:{list.Start.Line}: 'providers' must be a list."]);
        }

        var providers = new List<PollerOptions>();
        for (var i = 0; i < entries.Children.Count; i++)
        {
            var reader = new EntryReader(path, $"providers[{i}]", entries.Children[i], errors);
            if (reader.Read(environment) is { } options)
            {
                if (providers.Any(p => p.Id == options.Id))
                {
                    errors.Add(reader.At($"id '{options.Id}' is used twice; give every provider its own id."));
                }

                providers.Add(options);
            }
        }

        return errors.Count == 0 ? new ProvidersDocument(path, providers) : throw new ProvidersFileException(errors);
    }

    /// <summary>
    /// A duration as <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c> or a bare number of seconds; null
    /// when it is none of these or not above zero.
    /// </summary>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = text.Trim();
        (string Unit, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        var (unit, scale) = units.FirstOrDefault(u => value.EndsWith(u.Unit, StringComparison.Ordinal)
            && (u.Unit != "s" || !value.EndsWith("ms", StringComparison.Ordinal)));
        var number = unit is null ? value : value[..^unit.Length];
        var parsed = double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount);
        var seconds = amount * (unit is null ? 1 : scale);

        return parsed && double.IsFinite(seconds) && seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds / 2
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>Reads one entry of the list, adding an error for each bad field.</summary>
    private sealed class EntryReader(string path, string name, YamlNode node, List<string> errors)
    {
        private YamlMappingNode? _map;

        public string At(string message) => $"{path}:{node.Start.Line}: {name}: {message}";

        public PollerOptions? Read(Func<string, string?> environment)
        {
            if (node is not YamlMappingNode map)
            {
                errors.Add(At("each provider must be a mapping of settings (id, kind, base_url, identity_id, ...)."));

                return null;
            }

            _map = map;
            var before = errors.Count;
            foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Where(k => !Keys.Contains(k.Value)))
            {
                errors.Add(At($"unknown setting '{key.Value}'; expected one of {string.Join(", ", Keys)}."));
            }

            var id = Required("id", "a short unique name such as github-ci");
            var kind = Required("kind", "github, openai, anthropic or generic");
            var identity = Required("identity_id", "the identity whose pools the polls describe");
            var baseUrl = BaseUrl();
            if (kind is not null && !ConfigureProviderValidator.Kinds.Contains(kind))
            {
                var kinds = string.Join(", ", ConfigureProviderValidator.Kinds);
                errors.Add(At($"kind '{kind}' is unknown; use one of {kinds}."));
                kind = null;
            }

            var family = Scalar("family") ?? DefaultFamily(kind);
            if (family != ProviderReader.Auto && !ProviderReader.IsKnownFamily(family))
            {
                var families = string.Join(", ", ProviderReader.Families);
                errors.Add(At($"family '{family}' is unknown; use auto or one of {families}."));
            }

            var interval = Duration("interval") ?? PollerOptions.DefaultInterval;
            var stale = Duration("stale_after") ?? interval * PollerOptions.DefaultStaleIntervals;
            var unknown = Duration("unknown_after") ?? interval * PollerOptions.DefaultUnknownIntervals;
            if (unknown < stale)
            {
                errors.Add(At($"unknown_after ({unknown.TotalSeconds}s) is shorter than stale_after "
                    + $"({stale.TotalSeconds}s); a pool turns stale before its status turns unknown."));
            }

            var credentialEnv = CredentialEnv(environment);
            var request = Request(kind);
            if (errors.Count > before
                || id is null || kind is null || identity is null || baseUrl is null || request is null)
            {
                return null;
            }

            var (method, requestPath, body, headers) = request.Value;
            var credentialHeader = Scalar("credential_header") ?? (kind == "anthropic" ? "x-api-key" : "Authorization");

            return new PollerOptions
            {
                Id = id,
                Kind = kind,
                Family = family,
                IdentityId = identity,
                RequestUri = Combine(baseUrl, requestPath),
                Method = method,
                Body = body,
                Headers = headers,
                CredentialEnv = credentialEnv,
                CredentialHeader = credentialHeader,
                CredentialPrefix = Scalar("credential_prefix")
                    ?? (IsAuthorization(credentialHeader) ? "Bearer " : string.Empty),
                Interval = interval,
                Timeout = Duration("timeout") ?? PollerOptions.DefaultTimeout,
                MaxBackoff = Duration("max_backoff") ?? PollerOptions.DefaultMaxBackoff,
                StaleAfter = stale,
                UnknownAfter = unknown,
            };
        }

        private static string DefaultFamily(string? kind) => kind switch
        {
            "github" => "github",
            "openai" => "openai",
            "anthropic" => "anthropic",
            _ => ProviderReader.Auto,
        };

        /// <summary>The request path joined to the base URL's own path, so a base URL may carry a prefix.</summary>
        private static Uri Combine(Uri baseUrl, string requestPath)
        {
            var basePath = baseUrl.AbsolutePath.TrimEnd('/');

            return new Uri($"{baseUrl.GetLeftPart(UriPartial.Authority)}{basePath}/{requestPath.TrimStart('/')}");
        }

        private Uri? BaseUrl()
        {
            if (Required("base_url", "the provider's API root such as https://api.github.com") is not { } text)
            {
                return null;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors.Add(At($"base_url '{text}' is not an http or https URL."));

                return null;
            }

            if (url.UserInfo.Length > 0 || url.Query.Length > 0)
            {
                errors.Add(At("base_url must hold no user information and no query: a secret there would be "
                    + "recorded; name the variable that holds it in credential_env."));

                return null;
            }

            return url;
        }

        private string? CredentialEnv(Func<string, string?> environment)
        {
            if (Scalar("credential_env") is not { } variable)
            {
                return null;
            }

            if (variable.Length == 0 || variable.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                // The value is not repeated: what was written here may be the credential itself.
                errors.Add(At("credential_env is not an environment variable name (letters, digits and _); give the "
                    + "NAME of the variable that holds the credential, never the credential itself."));

                return null;
            }

            if (string.IsNullOrEmpty(environment(variable)))
            {
                errors.Add(At($"credential_env {variable} is not set in the daemon's environment; export it before "
                    + "starting ratelord-d, or remove credential_env."));
            }

            return variable;
        }

        private static bool IsAuthorization(string header) =>
            header.Equals("Authorization", StringComparison.OrdinalIgnoreCase);

        private (string Method, string Path, string? Body, IReadOnlyDictionary<string, string> Headers)? Request(
            string? kind)
        {
            var request = _map!.Children.TryGetValue(new YamlScalarNode("request"), out var node) ? node : null;
            if (request is not null and not YamlMappingNode)
            {
                errors.Add(At("request must be a mapping of method, path, body and headers."));

                return null;
            }

            var settings = request as YamlMappingNode;
            var unknownKeys = settings?.Children.Keys.OfType<YamlScalarNode>()
                .Where(k => !RequestKeys.Contains(k.Value));
            foreach (var key in unknownKeys ?? [])
            {
                var known = string.Join(", ", RequestKeys);
                errors.Add(At($"unknown setting 'request.{key.Value}'; expected one of {known}."));
            }

            var (defaultMethod, defaultPath) = kind switch
            {
                "github" => ("GET", "/rate_limit"),
                "openai" => ("POST", "/v1/chat/completions"),
                "anthropic" => ("POST", "/v1/messages"),
                _ => ("GET", "/"),
            };
            var method = (Scalar(settings, "method") ?? defaultMethod).ToUpperInvariant();
            var requestPath = Scalar(settings, "path") ?? defaultPath;
            if (!Methods.Contains(method))
            {
                errors.Add(At($"request.method '{method}' is not supported; use {string.Join(", ", Methods)}."));
            }

            if (!requestPath.StartsWith('/') || requestPath.Contains('#', StringComparison.Ordinal))
            {
                errors.Add(At($"request.path '{requestPath}' must start with / and hold no fragment."));
            }

            var body = Scalar(settings, "body") ?? CheapRequest(kind);
            if (body is not null && !IsJson(body))
            {
                errors.Add(At("request.body must be JSON text."));
            }

            if (method == "POST" && body is null)
            {
                errors.Add(At(kind is "openai" or "anthropic"
                    ? "the poll sends a cheap request whose answer's headers are read; give the model to ask "
                        + "(model: ...) or the whole request.body."
                    : "a POST poll needs request.body."));
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (kind == "github")
            {
                headers["Accept"] = "application/vnd.github+json";
                headers["X-GitHub-Api-Version"] = "2022-11-28";
            }

            if (kind == "anthropic")
            {
                headers["anthropic-version"] = "2023-06-01";
            }

            if (settings?.Children.TryGetValue(new YamlScalarNode("headers"), out var extra) == true)
            {
                if (extra is not YamlMappingNode pairs)
                {
                    errors.Add(At("request.headers must be a mapping of header name to value."));
                }
                else
                {
                    foreach (var (key, value) in pairs.Children)
                    {
                        var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                        headers[name] = (value as YamlScalarNode)?.Value ?? string.Empty;
                    }
                }
            }

            return (method, requestPath, body, headers);
        }

        /// <summary>The smallest request an LLM API answers with its rate-limit headers: one output token.</summary>
        private string? CheapRequest(string? kind)
        {
            if (kind is not ("openai" or "anthropic") || Scalar("model") is not { } model)
            {
                return null;
            }

            return JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["model"] = model,
                ["max_tokens"] = 1,
                ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = "ping" } },
            });
        }

        private static bool IsJson(string text)
        {
            try
            {
                using var document = JsonDocument.Parse(text);

                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        private string? Required(string key, string hint)
        {
            var value = Scalar(key);
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(At($"{key} is required: {hint}."));

                return null;
            }

            return value;
        }

        private TimeSpan? Duration(string key)
        {
            if (Scalar(key) is not { } text)
            {
                return null;
            }

            var duration = ParseDuration(text);
            if (duration is null)
            {
                errors.Add(At($"{key} '{text}' is not a duration above zero; write it as 500ms, 30s, 5m or 1h."));
            }

            return duration;
        }

        private string? Scalar(string key) => Scalar(_map, key);

        private string? Scalar(YamlMappingNode? map, string key)
        {
            if (map is null || !map.Children.TryGetValue(new YamlScalarNode(key), out var value))
            {
                return null;
            }

            if (value is not YamlScalarNode scalar)
            {
                errors.Add(At($"{key} must be a single value."));

                return null;
            }

            return scalar.Value;
        }
    }
}

/// <summary>The providers file has errors; each names file, line and field.</summary>
/// <remarks>
/// An <see cref="InvalidOperationException"/>, so the daemon refuses to start with the list of errors.
/// </remarks>
public sealed class ProvidersFileException(IReadOnlyList<string> errors)
    : InvalidOperationException("The providers file was refused:\n  - " + string.Join("\n  - ", errors))
{
    /// <summary>Every error found.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
