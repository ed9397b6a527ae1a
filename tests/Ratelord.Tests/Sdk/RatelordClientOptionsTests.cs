using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ratelord.Sdk;

namespace Ratelord.Tests.Sdk;

public sealed class RatelordClientOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndPointAtTheLoopbackDaemon()
    {
        var options = new RatelordClientOptions();

        var result = new RatelordClientOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(new Uri("http://127.0.0.1:8090/"), options.BaseAddress);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);
        Assert.Equal(FailureMode.FailClosed, options.FailureMode);
    }

    [Fact]
    public void StartupValidation_ReportsEveryBadValueTogether_NamingTheValueAndTheFix()
    {
        var services = new ServiceCollection();
        services.AddRatelordClient(Break);
        using var provider = services.BuildServiceProvider();

        // The validator that ValidateOnStart registers is what a host runs at start, before any client exists.
        var failed = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IStartupValidator>().Validate());

        AssertEveryBadValueIsNamed(failed);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<RatelordClient>());
    }

    [Fact]
    public void Constructor_ReportsEveryBadValueTogether()
    {
        var options = new RatelordClientOptions();
        Break(options);
        using var http = new HttpClient();

        var failed = Assert.Throws<OptionsValidationException>(() => new RatelordClient(http, options));

        AssertEveryBadValueIsNamed(failed);
    }

    [Fact]
    public void AddRatelordClient_ResolvesAClient_WithTheConfiguredAddress()
    {
        var services = new ServiceCollection();
        services.AddRatelordClient(options => options.BaseAddress = new Uri("http://127.0.0.1:9999/ratelord"));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<RatelordClient>();

        Assert.Equal(new Uri("http://127.0.0.1:9999/ratelord/"), client.BaseAddress);
    }

    [Fact]
    public void BaseAddress_MustBeSet()
    {
        var options = new RatelordClientOptions { BaseAddress = null! };

        var result = new RatelordClientOptionsValidator().Validate(null, options);

        Assert.Contains("BaseAddress is not set", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    private static void Break(RatelordClientOptions options)
    {
        options.BaseAddress = new Uri("ftp://127.0.0.1/");
        options.Timeout = TimeSpan.FromSeconds(-1);
        options.FailureMode = (FailureMode)7;
        options.UnreachableRetryAfter = TimeSpan.Zero;
    }

    private static void AssertEveryBadValueIsNamed(OptionsValidationException failed)
    {
        var failures = failed.Failures.ToList();
        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.Contains("'ftp://127.0.0.1/'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("-00:00:01", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'7'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("UnreachableRetryAfter 00:00:00", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.Contains("set it", f, StringComparison.Ordinal));
    }
}
