using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ratelord.Sdk;

/// <summary>Registers <see cref="RatelordClient"/> with dependency injection.</summary>
public static class RatelordServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RatelordClient"/> as a typed client of <c>IHttpClientFactory</c>, with its options
    /// validated at start-up (every bad value reported together). The client uses the container's
    /// <see cref="TimeProvider"/> when one is registered, otherwise <see cref="TimeProvider.System"/>.
    /// </summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="configure">Sets the options; null keeps the defaults (the daemon on 127.0.0.1:8090).</param>
    /// <returns>The builder of the underlying HTTP client, to add handlers to.</returns>
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

        options.ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<RatelordClientOptions>, RatelordClientOptionsValidator>());

        return services.AddHttpClient<RatelordClient, RatelordClient>((http, provider) => new RatelordClient(
            http,
            provider.GetRequiredService<IOptions<RatelordClientOptions>>().Value,
            provider.GetService<ILogger<RatelordClient>>(),
            provider.GetService<TimeProvider>()));
    }
}
