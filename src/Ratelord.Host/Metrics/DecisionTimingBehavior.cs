using System.Diagnostics;
using Mediator;
using Ratelord.Core.Commands;

namespace Ratelord.Host.Metrics;

/// <summary>
/// Times each decision through the command pipeline: validation, the wait in the writer's queue, the decision and
/// the commit of its events. That is the latency an agent waits for, less the HTTP round trip.
/// </summary>
public sealed class DecisionTimingBehavior(DaemonMetrics metrics)
    : IPipelineBehavior<SubmitIntent, IntentDecisionResult>
{
    public async ValueTask<IntentDecisionResult> Handle(
        SubmitIntent message,
        MessageHandlerDelegate<SubmitIntent, IntentDecisionResult> next,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);

        var started = Stopwatch.GetTimestamp();
        var result = await next(message, cancellationToken);
        metrics.ObserveDecisionLatency(Stopwatch.GetElapsedTime(started));

        return result;
    }
}
