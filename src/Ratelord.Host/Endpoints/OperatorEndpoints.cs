using Mediator;
using Prometheus;
using Ratelord.Core.Commands;
using Ratelord.Host.Dashboard;
using Ratelord.Host.Metrics;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// What operators read: metrics, probes, vital signs, the constraint graph, decision lists and explanations, pool
/// detail, the replay check, the OpenAPI document and the web dashboard. All of it reads what the writer committed;
/// none of it decides anything.
/// </summary>
public static class OperatorEndpoints
{
    /// <summary>Where the OpenAPI document is served.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>Registers the services behind the operator views.</summary>
    public static IServiceCollection AddOperatorViews(this IServiceCollection services)
    {
        services.AddSingleton<VitalSigns>();
        services.AddSingleton<DaemonMetrics>();
        services.AddSingleton<LogViews>();
        services.AddSingleton<IPipelineBehavior<SubmitIntent, IntentDecisionResult>, DecisionTimingBehavior>();
        services.AddOpenApi(options =>
        {
            options.AddSchemaTransformer<OpenApi.OptionalFieldsTransformer>();
            options.AddOperationTransformer<OpenApi.JsonRequestBodyTransformer>();
        });

        return services;
    }

    /// <summary>Maps the operator views; metrics start counting from here.</summary>
    public static IEndpointRouteBuilder MapOperatorEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var metrics = app.ServiceProvider.GetRequiredService<DaemonMetrics>();
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapProbeEndpoints();
        app.MapVitalsEndpoints();
        app.MapGraphEndpoints();
        app.MapDecisionEndpoints();
        app.MapPoolDetailEndpoints();
        app.MapReplayEndpoints();
        app.MapOpenApi(OpenApiPath);
        app.MapDashboardEndpoints();

        return app;
    }
}
