namespace Ratelord.Core.Providers;

/// <summary>Reads one family of rate-limit formats.</summary>
public interface IRateLimitParser
{
    /// <summary>The family name used in the API (<c>github</c>, <c>openai</c>, <c>ietf</c>, ...).</summary>
    string Family { get; }

    /// <summary>True when the response carries signals of this family.</summary>
    bool CanRead(ProviderResponse response);

    /// <summary>Reads the response. Never throws on bad input: what cannot be read is unknown.</summary>
    ProviderReading Read(ProviderResponse response);
}
