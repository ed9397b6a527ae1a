using System.Collections.Frozen;

namespace Ratelord.Core.Providers;

/// <summary>
/// Reads provider responses with the parser of a named format family, or with the first family that
/// recognises the response (<c>auto</c>).
/// </summary>
public static class ProviderReader
{
    /// <summary>The family name that picks the parser from the response itself.</summary>
    public const string Auto = "auto";

    private static readonly GenericParser Generic = new();

    /// <summary>
    /// The order in which <c>auto</c> asks the parsers. Families with headers of their own come
    /// first; those that share the <c>x-ratelimit-*</c> names are told apart by what only one of
    /// them sends (GitHub's resource, Discord's bucket, Reddit's used without a limit), and the bare
    /// names fall to Envoy last. GitLab's headers that the IETF drafts lack put it before them.
    /// Google speaks only through its error bodies, and Generic, which knows no pools, comes at the end.
    /// </summary>
    private static readonly IRateLimitParser[] Parsers =
    [
        new AnthropicParser(),
        new OpenAiParser(),
        new AzureOpenAiParser(),
        new GitHubParser(),
        new DiscordParser(),
        new RedditParser(),
        new XParser(),
        new ShopifyParser(),
        new GitLabParser(),
        new IetfParser(),
        new EnvoyParser(),
        new GoogleParser(),
        Generic,
    ];

    private static readonly FrozenDictionary<string, IRateLimitParser> ByFamily =
        Parsers.ToFrozenDictionary(p => p.Family, StringComparer.Ordinal);

    /// <summary>The family names a caller may pass besides <c>auto</c>, in the order auto tries them.</summary>
    public static IReadOnlyList<string> Families { get; } = [.. Parsers.Select(p => p.Family)];

    /// <summary>True when a parser reads the named family; <c>auto</c> is a choice of parser, not a family.</summary>
    public static bool IsKnownFamily(string family) => family is not null && ByFamily.ContainsKey(family);

    /// <summary>
    /// Reads the response as the named family, or as the first family that recognises it when the
    /// name is <c>auto</c>. Never throws on what the response contains.
    /// </summary>
    /// <exception cref="ArgumentException">The family is neither <c>auto</c> nor a known family.</exception>
    public static ProviderReading Read(string family, ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(response);

        if (family == Auto)
        {
            return Plausible(Detect(response).Read(response));
        }

        if (!ByFamily.TryGetValue(family, out var parser))
        {
            throw new ArgumentException(
                $"Unknown provider family '{family}'. Use {Auto} or one of: {string.Join(", ", Families)}.",
                nameof(family));
        }

        return Plausible(parser.Read(response));
    }

    /// <summary>The longest wait, reset or window any format is believed to mean: a little over a year.</summary>
    public const double MaxSeconds = 400 * 24 * 3600;

    /// <summary>
    /// A duration no quota has (a retry-after of three million years, a reset far past any billing period) is
    /// a broken header, not a plan: it is unknown, like any other value that cannot be read.
    /// </summary>
    private static ProviderReading Plausible(ProviderReading reading)
    {
        static double? Seconds(double? value) => value is >= 0 and <= MaxSeconds ? value : null;

        return reading with
        {
            RetryAfterSeconds = Seconds(reading.RetryAfterSeconds),
            RetryAfterMinSeconds = Seconds(reading.RetryAfterMinSeconds),
            Pools =
            [
                .. reading.Pools.Select(p => p with
                {
                    ResetInSeconds = Seconds(p.ResetInSeconds),
                    WindowSeconds = Seconds(p.WindowSeconds) is > 0 and var w ? w : null,
                }),
            ],
        };
    }

    /// <summary>The first parser that recognises the response, or the generic one when none does.</summary>
    private static IRateLimitParser Detect(ProviderResponse response) =>
        Parsers.FirstOrDefault(p => p.CanRead(response)) ?? Generic;
}
