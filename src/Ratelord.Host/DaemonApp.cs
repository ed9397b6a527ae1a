using Mediator;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration.Memory;
using Ratelord.Core.Commands;
using Ratelord.Core.DependencyInjection;
using Ratelord.Core.Engine;
using Ratelord.Core.Policies;
using Ratelord.Core.Stores;
using Ratelord.Host.Configuration;
using Ratelord.Host.Endpoints;
using Ratelord.Host.Http;
using Ratelord.Host.Logging;
using Ratelord.Host.Policies;
using Ratelord.Host.Pollers;
using Ratelord.Host.Services;
using Ratelord.Stores.Sqlite;

namespace Ratelord.Host;

/// <summary>Builds and runs the daemon: the log, the single writer, the HTTP API.</summary>
public static class DaemonApp
{
    /// <summary>
    /// Opens the log, replays it, and returns the started application. The caller stops and
    /// disposes it; the log is closed with it.
    /// </summary>
    public static async Task<WebApplication> StartAsync(
        DaemonSettings settings,
        CancellationToken cancellationToken = default)
    {
        // A policy file that does not load stops the start: the daemon never runs on a policy other than the one given.
        var policy = settings.PolicyPath is { } policyPath
            ? PolicyParser.Parse(await File.ReadAllTextAsync(policyPath, cancellationToken), policyPath)
            : PolicySet.BuiltIn;
        // Likewise a providers file with any error: it is checked whole before the log is opened.
        var providers = settings.ProvidersPath is { } providersPath
            ? ProvidersFile.Load(providersPath, Environment.GetEnvironmentVariable)
            : ProvidersDocument.None;
        var store = await SqliteEventStore.OpenAsync(settings.DbPath, settings.SynchronousFull, cancellationToken);
        var options = new RatelordOptions { Policy = policy };

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.WebHost.UseUrls($"http://{FormatHost(settings.Bind)}:{settings.Port}");
        // ASP.NET Core logs every request at Information; a daemon answering agents all day says only what an
        // operator needs. Lowest in precedence, so Logging__LogLevel__Microsoft.AspNetCore in the environment wins.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = RequestLimits.MaxBodyBytes);
        builder.Services.AddSingleton<IEventStore>(store);
        builder.Services.AddSingleton(store);
        builder.Services.AddRatelordCore(options);
        builder.Services.AddSingleton(new DaemonInfo(TimeProvider.System.GetUtcNow(), store.Path));
        builder.Services.AddHostedService<ApprovalSweeper>();
        builder.Services.AddProviderPollers(providers);
        builder.Services.AddSingleton(new PolicySource(settings.PolicyPath));
        builder.Services.AddSingleton<PolicyWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PolicyWatcher>());
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemMapper>();
        builder.Services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
        builder.Services.AddOperatorViews();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapIntentEndpoints();
        app.MapObservationEndpoints();
        app.MapPoolEndpoints();
        app.MapForecastEndpoints();
        app.MapIdentityEndpoints();
        app.MapEventEndpoints();
        app.MapHealthEndpoints();
        app.MapProviderEndpoints();
        app.MapPolicyEndpoints();
        app.MapOperatorEndpoints();

        var writer = app.Services.GetRequiredService<CommandWriter>();
        await writer.StartAsync(cancellationToken);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ratelord.Daemon");
        var replayed = await writer.ReadAsync(state => state.EventCount, cancellationToken);
        HostLog.Replayed(logger, DaemonInfo.Version, replayed, store.Kind, store.Path, writer.Feed.LastPosition);
        await app.Services.GetRequiredService<IMediator>()
            .Send(new StartSystem(DaemonInfo.Version, store.Kind), cancellationToken);
        if (settings.PolicyPath is not null)
        {
            await app.Services.GetRequiredService<PolicyWatcher>().ReloadAsync("start", cancellationToken);
        }

        app.Lifetime.ApplicationStopped.Register(() =>
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        await app.StartAsync(cancellationToken);
        foreach (var url in app.Urls)
        {
            HostLog.Listening(logger, url);
        }

        return app;
    }

    private static string FormatHost(string bind) => bind.Contains(':', StringComparison.Ordinal) ? $"[{bind}]" : bind;
}
