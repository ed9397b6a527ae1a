using Ratelord.Core.Providers;
using static Ratelord.Tests.Providers.TestResponses;

namespace Ratelord.Tests.Providers;

public sealed class ProviderReaderTests
{
    [Fact]
    public void Families_AreTheThirteenFormatFamilies()
    {
        string[] expected =
        [
            "github", "openai", "azure-openai", "anthropic", "ietf", "envoy",
            "x", "discord", "reddit", "shopify", "gitlab", "google", "generic",
        ];

        Assert.Equal(expected.Order(), ProviderReader.Families.Order());
    }

    [Theory]
    [InlineData("auto", "retry-after", "99999999999999")]
    [InlineData("openai", "x-ratelimit-reset-requests", "99999999999999s")]
    public void Read_OfADurationNoQuotaHas_IsUnknown_NotAWaitOfMillionsOfYears(
        string family,
        string header,
        string value)
    {
        var response = Dated(
            429,
            ("x-ratelimit-limit-requests", "100"),
            ("x-ratelimit-remaining-requests", "0"),
            (header, value));

        var reading = ProviderReader.Read(family, response);

        Assert.Null(reading.RetryAfterSeconds);
        Assert.All(reading.Pools, p => Assert.Null(p.ResetInSeconds));
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("GitHub")]
    [InlineData("twitter")]
    [InlineData("")]
    public void IsKnownFamily_IsFalse_ForAutoAndForNamesOfNoParser(string family)
    {
        Assert.False(ProviderReader.IsKnownFamily(family));
    }

    [Fact]
    public void Read_RejectsAnUnknownFamily_NamingTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => ProviderReader.Read("twitter", Dated(200)));

        Assert.Equal("family", error.ParamName);
        Assert.Contains("twitter", error.Message, StringComparison.Ordinal);
        Assert.Contains("auto", error.Message, StringComparison.Ordinal);
        Assert.All(ProviderReader.Families, family => Assert.Contains(family, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Auto_FallsBackToGeneric_WhenNoFamilyRecognisesTheResponse()
    {
        var reading = ProviderReader.Read(ProviderReader.Auto, Dated(200, ("content-type", "text/html")));

        Assert.Equal("generic", reading.Family);
        Assert.Empty(reading.Pools);
    }

    [Theory]
    [InlineData("github", "x-ratelimit-limit: 60|x-ratelimit-remaining: 59|x-ratelimit-resource: core")]
    [InlineData("github", "x-ratelimit-limit: 60|x-github-request-id: 1:2:3")]
    [InlineData("discord", "x-ratelimit-limit: 5|x-ratelimit-remaining: 4|x-ratelimit-bucket: b")]
    [InlineData("reddit", "x-ratelimit-used: 5|x-ratelimit-remaining: 595.0")]
    [InlineData("envoy", "x-ratelimit-limit: 10|x-ratelimit-remaining: 9")]
    [InlineData("openai", "x-ratelimit-limit-requests: 60|x-ratelimit-remaining-requests: 59")]
    [InlineData("azure-openai", "x-ratelimit-remaining-requests: 59")]
    [InlineData("ietf", "RateLimit-Remaining: 5|x-ratelimit-limit: 10")]
    [InlineData("gitlab", "RateLimit-Limit: 60|RateLimit-Observed: 3|RateLimit-Remaining: 57")]
    [InlineData("gitlab", "RateLimit-Remaining: 0|RateLimit-Name: throttle_authenticated_api")]
    [InlineData("generic", "Retry-After: 3")]
    public void Auto_TellsApartTheFamiliesThatShareHeaderNames(string family, string headers)
    {
        var lines = headers.Split('|').Select(h => h.Split(": ")).Select(h => (h[0], h[1])).ToArray();

        Assert.Equal(family, ProviderReader.Read(ProviderReader.Auto, Dated(200, lines)).Family);
    }

    [Fact]
    public void Read_AsANamedFamily_IgnoresWhatOtherFamiliesSend()
    {
        var response = Dated(200, ("anthropic-ratelimit-requests-remaining", "3"));

        var reading = ProviderReader.Read("openai", response);

        Assert.Equal("openai", reading.Family);
        Assert.Empty(reading.Pools);
    }
}
