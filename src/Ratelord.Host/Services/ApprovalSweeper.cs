using Mediator;
using Ratelord.Core.Commands;
using Ratelord.Core.Engine;
using Ratelord.Host.Logging;

namespace Ratelord.Host.Services;

/// <summary>
/// Releases the capacity of approvals that lapsed unsettled, even while no intent arrives to
/// trigger it, by sending <see cref="ExpireApprovals"/> once one is due.
/// </summary>
public sealed class ApprovalSweeper(
    CommandWriter writer,
    IMediator mediator,
    TimeProvider time,
    ILogger<ApprovalSweeper> logger)
    : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var due = await writer.ReadAsync(state => state.Intents.NextExpiry(), stoppingToken);
                if (due <= time.GetUtcNow())
                {
                    await mediator.Send(new ExpireApprovals(), stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                HostLog.SweepFailed(logger, exception);
            }
        }
    }
}
