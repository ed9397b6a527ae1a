using System.Reflection;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ratelord.Core.Commands;
using Ratelord.Core.DependencyInjection;
using Ratelord.Core.Engine;
using Ratelord.Core.Policies;
using Ratelord.Core.Stores;
using Ratelord.Sdk.Diagnostics;
using Ratelord.Sdk.Internal;

namespace Ratelord.Sdk.Embedded;

/// <summary>
/// Ratelord in the caller's process: the daemon's engine, deciders, forecasts and policies, with its single writer
/// and an event log in memory (or in the store given), answering through the same <see cref="IRatelordClient"/> as
/// the daemon's client. For tests and single-process apps; one process's agents only, so no other process shares
/// its view of the pools.
/// </summary>
/// <remarks>
/// <para>
/// It starts on the first call (or <see cref="StartAsync"/>): it opens and replays the log, records that it started,
/// and applies the policy, as the daemon does. Commands go through the same validation and the same writer as the
/// daemon's, so the same intents and observations at the same times get the same decisions.
/// </para>
/// <para>
/// There is no daemon to lose, so no failure mode applies: a malformed intent or report throws
/// <see cref="RatelordRequestException"/> with the same status, code and fields as the daemon's problem details.
/// </para>
/// </remarks>
public sealed class EmbeddedRatelordClient : IRatelordClient, ILoggingRatelordClient, IAsyncDisposable
{
    private readonly RatelordEmbeddedOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Task<Runtime>? _runtime;
    private bool _disposed;

    /// <summary>Creates the client; the engine starts on the first call.</summary>
    /// <param name="options">
    /// The policy, the clock and the log; null for the defaults (built-in policy, memory).
    /// </param>
    /// <param name="logger">Where the start is logged; null for none.</param>
    /// <param name="timeProvider">
    /// The clock, when <see cref="RatelordEmbeddedOptions.TimeProvider"/> is not set; null for the system clock.
    /// </param>
    /// <exception cref="OptionsValidationException">The options are invalid; every bad value is listed.</exception>
    public EmbeddedRatelordClient(
        RatelordEmbeddedOptions? options = null,
        ILogger<EmbeddedRatelordClient>? logger = null,
        TimeProvider? timeProvider = null)
    {
        options ??= new RatelordEmbeddedOptions();
        var validation = new RatelordEmbeddedOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(
                Microsoft.Extensions.Options.Options.DefaultName, typeof(RatelordEmbeddedOptions), validation.Failures);
        }

        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = options.TimeProvider ?? timeProvider ?? TimeProvider.System;
    }

    ILogger ILoggingRatelordClient.Logger => _logger;

    /// <summary>
    /// Starts the engine now rather than on the first call, so that a bad policy file or an unreadable log shows at
    /// start-up. Does nothing once started.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes once the engine takes commands.</returns>
    /// <exception cref="PolicyException">The policy file is invalid.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default) =>
        await RuntimeAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<Decision> AskAsync(Intent intent, CancellationToken cancellationToken = default)
    {
        var decision = await NegotiateAsync(intent, cancellationToken).ConfigureAwait(false);
        await DecisionWait.WaitAsync(this, decision, _time, _logger, cancellationToken).ConfigureAwait(false);

        return decision;
    }

    /// <inheritdoc />
    public async Task<Decision> NegotiateAsync(Intent intent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(intent);

        var result = await SendAsync(EmbeddedMapper.ToCommand(intent), cancellationToken).ConfigureAwait(false);
        var decision = EmbeddedMapper.ToDecision(result);
        if (!decision.IsApproved)
        {
            RatelordClientLog.IntentDenied(
                _logger, decision.IntentId, decision.Reason, decision.RetryAfter?.TotalSeconds);
        }

        return decision;
    }

    /// <inheritdoc />
    public async Task ReportOutcomeAsync(
        Guid intentId,
        Outcome outcome,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status is null && (outcome.Headers.Count > 0 || outcome.Body is not null))
        {
            throw new ArgumentException(
                "The outcome carries response headers or a body but no status; set Outcome.Status to the provider's "
                + "HTTP status, or use Outcome.FromResponse.",
                nameof(outcome));
        }

        if (intentId == Guid.Empty)
        {
            RatelordClientLog.FallbackOutcomeSkipped(_logger);

            return;
        }

        await SendAsync(EmbeddedMapper.ToCommand(intentId, outcome), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> RegisterIdentityAsync(
        IdentityRegistration registration,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        try
        {
            await SendAsync(EmbeddedMapper.ToCommand(registration), cancellationToken).ConfigureAwait(false);

            return true;
        }
        catch (RatelordRequestException e) when (e.Status == 409)
        {
            RatelordClientLog.IdentityAlreadyRegistered(_logger, registration.IdentityId);

            return false;
        }
    }

    /// <summary>Stops the engine: the writer finishes what it took, then the log is closed.</summary>
    /// <returns>A task that completes once stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        Task<Runtime>? runtime;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            runtime = _runtime;
        }

        if (runtime is { IsCompletedSuccessfully: true })
        {
            await runtime.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a command through the engine's mediator, where it is validated and then decided by the single writer,
    /// and turns a refusal into the exception the daemon's client would throw for the same problem.
    /// </summary>
    private async Task<TResult> SendAsync<TResult>(
        RatelordCommand<TResult> command,
        CancellationToken cancellationToken)
    {
        var runtime = await RuntimeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await runtime.Mediator.Send(command, cancellationToken).ConfigureAwait(false);
        }
        catch (ValidationException e)
        {
            throw EmbeddedMapper.ToException(e);
        }
        catch (CommandRejectedException e)
        {
            throw EmbeddedMapper.ToException(e);
        }
    }

    private Task<Runtime> RuntimeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Started once, for every caller; a start that failed is not tried again, since it failed on
            // configuration (the policy, the log) that a retry would not change.
            _runtime ??= StartRuntimeAsync();

            return _runtime.WaitAsync(cancellationToken);
        }
    }

    private async Task<Runtime> StartRuntimeAsync()
    {
        var policy = _options.Policy;
        if (_options.PolicyPath is { } path)
        {
            policy = PolicyParser.Parse(await File.ReadAllTextAsync(path).ConfigureAwait(false), path);
        }

        var engine = _options.Engine ?? new RatelordOptions();
        if (policy is not null)
        {
            engine = engine with { Policy = policy };
        }

        var store = _options.OpenEventStore is { } open
            ? await open(CancellationToken.None).ConfigureAwait(false)
            : new InMemoryEventStore();

        // A container of its own: the engine's mediator and writer stay out of the caller's, which may hold a
        // mediator of its own.
        var services = new ServiceCollection();
        services.AddSingleton(_time);
        services.AddSingleton(store);
        services.AddRatelordCore(engine);
        var provider = services.BuildServiceProvider();
        var runtime = new Runtime(provider, store);
        try
        {
            var writer = provider.GetRequiredService<CommandWriter>();
            await writer.StartAsync().ConfigureAwait(false);
            var replayed = await writer.ReadAsync(state => state.EventCount).ConfigureAwait(false);
            await runtime.Mediator.Send(new StartSystem(Version, store.Kind)).ConfigureAwait(false);
            if (policy is not null)
            {
                await runtime.Mediator.Send(new ApplyPolicy(policy)).ConfigureAwait(false);
            }

            RatelordClientLog.EmbeddedStarted(_logger, store.Kind, replayed, writer.Options.PolicyVersion);

            return runtime;
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);

            throw;
        }
    }

    /// <summary>The SDK's version, recorded in the log as the version that started it.</summary>
    private static string Version { get; } =
        typeof(EmbeddedRatelordClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion ?? "unknown";

    /// <summary>The running engine: its container and its log, which the container does not own.</summary>
    private sealed class Runtime(ServiceProvider provider, IEventStore store) : IAsyncDisposable
    {
        public IMediator Mediator { get; } = provider.GetRequiredService<IMediator>();

        public async ValueTask DisposeAsync()
        {
            // The writer (in the container) first, so that it finishes its batch before the log closes.
            await provider.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
