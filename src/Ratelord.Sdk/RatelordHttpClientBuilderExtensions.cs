using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ratelord.Sdk.Http;

namespace Ratelord.Sdk;

/// <summary>Puts an <see cref="HttpClient"/> of <c>IHttpClientFactory</c> under Ratelord's governance.</summary>
public static class RatelordHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="RatelordHandler"/> to the client: every request is asked for, waited for, sent with the
    /// credential of the identity it is charged to, and reported with its response. Its options are validated at
    /// start-up. When no <see cref="IRatelordClient"/> is registered yet, the client of the daemon is registered with
    /// its defaults (see <see cref="RatelordServiceCollectionExtensions.AddRatelordClient"/>).
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddHttpClient("github", http =&gt; http.BaseAddress = new Uri("https://api.github.com/"))
    ///     .AddRatelord(o =&gt;
    ///     {
    ///         o.IdentityId = "pat:ci-bot";
    ///         o.WorkloadId = "repo_read";
    ///     });
    /// </code>
    /// </example>
    /// <param name="builder">The client's builder.</param>
    /// <param name="configure">
    /// Sets the intent of the client's requests. <see cref="RatelordHandlerOptions.IdentityId"/> is required; the agent
    /// defaults to the entry assembly's name and the workload to the client's name.
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    public static IHttpClientBuilder AddRatelord(
        this IHttpClientBuilder builder,
        Action<RatelordHandlerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(IRatelordClient)))
        {
            services.AddRatelordClient();
        }

        var name = builder.Name;
        services.AddOptions<RatelordHandlerOptions>(name)
            .Configure(configure)
            .PostConfigure(options =>
            {
                options.AgentId ??= RatelordHandlerOptions.DefaultAgentId;
                options.WorkloadId ??= name;
            })
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<RatelordHandlerOptions>, RatelordHandlerOptionsValidator>());

        return builder.AddHttpMessageHandler(provider =>
        {
            var options = provider.GetRequiredService<IOptionsMonitor<RatelordHandlerOptions>>().Get(name);
            if (options.CredentialProvider is null && provider.GetService<IRatelordCredentialProvider>() is { } shared)
            {
                options = options.Copy();
                options.CredentialProvider = shared;
            }

            return new RatelordHandler(
                provider.GetRequiredService<IRatelordClient>(),
                options,
                provider.GetService<ILogger<RatelordHandler>>(),
                provider.GetService<TimeProvider>());
        });
    }
}
