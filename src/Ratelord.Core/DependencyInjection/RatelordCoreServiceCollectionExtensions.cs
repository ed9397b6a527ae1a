using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Ratelord.Core.Commands;
using Ratelord.Core.Engine;
using Ratelord.Core.Stores;

namespace Ratelord.Core.DependencyInjection;

/// <summary>Registers Ratelord's engine, its single writer and the command pipeline.</summary>
public static class RatelordCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine, the writer, the mediator with validation, and an in-memory event store
    /// unless another <see cref="IEventStore"/> is already registered. Call
    /// <see cref="CommandWriter.StartAsync"/> before the first command.
    /// </summary>
    public static IServiceCollection AddRatelordCore(this IServiceCollection services, RatelordOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEventStore, InMemoryEventStore>();
        services.AddSingleton(options);
        services.AddSingleton(sp => new RatelordEngine(sp.GetRequiredService<RatelordOptions>()));
        services.AddSingleton<EventFeed>();
        services.AddSingleton<CommandWriter>();
        services.AddSingleton<ICommandExecutor>(sp => sp.GetRequiredService<CommandWriter>());
        services.AddSingleton<IValidator<SubmitIntent>, SubmitIntentValidator>();
        services.AddSingleton<IValidator<ReportOutcome>, ReportOutcomeValidator>();
        services.AddSingleton<IValidator<RecordObservation>, RecordObservationValidator>();
        services.AddSingleton<IValidator<RegisterIdentity>, RegisterIdentityValidator>();
        services.AddSingleton<IValidator<DeleteIdentity>, DeleteIdentityValidator>();
        services.AddSingleton<IValidator<ConfigureProvider>, ConfigureProviderValidator>();
        services.AddSingleton<IValidator<RecordProviderPoll>, RecordProviderPollValidator>();
        services.AddMediator((MediatorOptions mediator) =>
        {
            mediator.Namespace = "Ratelord.Core.Mediator";
            mediator.GenerateTypesAsInternal = true;
            mediator.ServiceLifetime = ServiceLifetime.Singleton;
            mediator.PipelineBehaviors = [typeof(ValidationBehavior<,>)];
        });

        return services;
    }
}
