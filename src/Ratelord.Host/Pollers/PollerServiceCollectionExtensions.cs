using Ratelord.Host.Configuration;

namespace Ratelord.Host.Pollers;

/// <summary>Registers one <see cref="ProviderPoller"/> per provider instance of the providers file.</summary>
public static class PollerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a poller and its own <see cref="HttpClient"/> for every instance: no redirects followed
    /// (a credential must not travel to another host), no request logging (URLs and headers stay out
    /// of the log), and no client timeout of its own, since each poll has its configured one.
    /// </summary>
    public static IServiceCollection AddProviderPollers(this IServiceCollection services, ProvidersDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);

        foreach (var options in document.Providers)
        {
            var name = ProviderPoller.ClientName(options.Id);
            services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    ConnectTimeout = options.Timeout,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                })
                .RemoveAllLoggers();
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<ProviderPoller>(sp, options));
        }

        return services;
    }
}
