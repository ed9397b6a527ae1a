using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Ratelord.Sdk.Embedded;

namespace Ratelord.Sdk;

/// <summary>Registers Ratelord's clients with dependency injection.</summary>
public static class RatelordServiceCollectionExtensions
{
    /// <summary>The name of the resilience pipeline between the client and the daemon.</summary>
    public const string DaemonPipelineName = "ratelord-daemon";

    /// <summary>
    /// Registers <see cref="RatelordClient"/>, the client of the daemon, as a typed client of
    /// <c>IHttpClientFactory</c> and as the <see cref="IRatelordClient"/> the handler and limiters use. Its options are
    /// validated at start-up (every bad value reported together), and an exchange the daemon answers 503 or 429 is
    /// retried with backoff, honouring <c>Retry-After</c> (<see cref="RatelordClientOptions.MaxRetryAttempts"/>).
    /// The client uses the container's <see cref="TimeProvider"/> when one is registered.
    /// </summary>
    /// <remarks>
    /// Calling it again only adds <paramref name="configure"/>. Of <c>AddRatelordClient</c> and
    /// <see cref="AddRatelordEmbedded"/>, the last one called provides <see cref="IRatelordClient"/>.
    /// </remarks>
    /// <param name="services">The services to add to.</param>
    /// <param name="configure">Sets the options; null keeps the defaults (the daemon on 127.0.0.1:8090).</param>
    /// <returns>The builder of the HTTP client that talks to the daemon, to add handlers to.</returns>
    public static IHttpClientBuilder AddRatelordClient(
        this IServiceCollection services,
        Action<RatelordClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<RatelordClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.RemoveAll<IRatelordClient>();
        services.AddTransient<IRatelordClient>(provider => provider.GetRequiredService<RatelordClient>());
        var name = typeof(RatelordClient).Name;
        if (services.Any(d => d.ServiceType == typeof(DaemonClientMarker)))
        {
            return new ExistingHttpClientBuilder(name, services);
        }

        services.AddSingleton<DaemonClientMarker>();
        options.ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<RatelordClientOptions>, RatelordClientOptionsValidator>());

        var builder = services.AddHttpClient<RatelordClient, RatelordClient>((http, provider) => new RatelordClient(
            http,
            provider.GetRequiredService<IOptions<RatelordClientOptions>>().Value,
            provider.GetService<ILogger<RatelordClient>>(),
            provider.GetService<TimeProvider>()));
        builder.AddResilienceHandler(DaemonPipelineName, (pipeline, context) =>
        {
            var attempts = context.ServiceProvider.GetRequiredService<IOptions<RatelordClientOptions>>().Value
                .MaxRetryAttempts;
            if (attempts > 0)
            {
                pipeline.AddRetry(DaemonRetry(attempts));
            }
        });

        return builder;
    }

    /// <summary>
    /// Runs Ratelord in this process: <see cref="IRatelordClient"/> is an <see cref="EmbeddedRatelordClient"/> over
    /// the same engine, deciders and policies as the daemon, on an in-memory log unless
    /// <see cref="RatelordEmbeddedOptions.UseEventStore"/> names another (a SQLite file with the
    /// <c>Ratelord.Stores.Sqlite</c> package). For tests and single-process apps; the handler and the limiters work
    /// over it unchanged.
    /// </summary>
    /// <remarks>
    /// The engine starts on the first call and stops when the container is disposed. Of
    /// <see cref="AddRatelordClient"/> and <c>AddRatelordEmbedded</c>, the last one called provides
    /// <see cref="IRatelordClient"/>.
    /// </remarks>
    /// <param name="services">The services to add to.</param>
    /// <param name="configure">Sets the options: the policy, the clock, the log. Null keeps the defaults.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddRatelordEmbedded(
        this IServiceCollection services,
        Action<RatelordEmbeddedOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<RatelordEmbeddedOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<RatelordEmbeddedOptions>, RatelordEmbeddedOptionsValidator>());
        services.TryAddSingleton(provider => new EmbeddedRatelordClient(
            provider.GetRequiredService<IOptions<RatelordEmbeddedOptions>>().Value,
            provider.GetService<ILogger<EmbeddedRatelordClient>>(),
            provider.GetService<TimeProvider>()));
        services.RemoveAll<IRatelordClient>();
        services.AddSingleton<IRatelordClient>(provider => provider.GetRequiredService<EmbeddedRatelordClient>());

        return services;
    }

    /// <summary>
    /// Retries only what says "try again": 503 and 429, the daemon's own answers when it is busy or starting. A
    /// refused connection is not retried: the daemon is away, and the failure mode should decide without delay.
    /// </summary>
    private static HttpRetryStrategyOptions DaemonRetry(int attempts) => new()
    {
        Name = DaemonPipelineName,
        MaxRetryAttempts = attempts,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = TimeSpan.FromMilliseconds(200),
        ShouldRetryAfterHeader = true,
        ShouldHandle = arguments => ValueTask.FromResult(
            arguments.Outcome.Result?.StatusCode
                is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests),
    };

    /// <summary>Marks that the daemon's HTTP client and its pipeline are registered, so they are added once.</summary>
    private sealed class DaemonClientMarker;

    /// <summary>The builder of a client registered by an earlier call.</summary>
    private sealed class ExistingHttpClientBuilder(string name, IServiceCollection services) : IHttpClientBuilder
    {
        public string Name { get; } = name;

        public IServiceCollection Services { get; } = services;
    }
}
