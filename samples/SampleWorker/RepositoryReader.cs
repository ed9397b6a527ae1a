using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ratelord.Sdk;
using Ratelord.Sdk.Http;

namespace Ratelord.Samples.SampleWorker;

/// <summary>What a run of the worker did.</summary>
/// <param name="Calls">Reads the provider answered.</param>
/// <param name="Ok">Reads answered 2xx.</param>
/// <param name="Throttled">Reads answered 429: each one a limit Ratelord failed to keep.</param>
/// <param name="Denied">Denies waited out and asked again after.</param>
/// <param name="Elapsed">How long the run took.</param>
public sealed record SampleWorkerResult(long Calls, long Ok, long Throttled, long Denied, TimeSpan Elapsed)
{
    /// <summary>The one-line summary: <c>calls=N ok=N throttled=N denied=N elapsed_s=N</c>.</summary>
    public string ToSummaryLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"calls={Calls} ok={Ok} throttled={Throttled} denied={Denied} elapsed_s={Elapsed.TotalSeconds:0.###}");
}

/// <summary>
/// A background service that reads repositories from a GitHub-like API through the <c>github</c> client of
/// <see cref="IHttpClientFactory"/>. The client carries Ratelord's handler, so this code only makes plain HTTP
/// calls: every one is asked for, waited for and reported by the handler. A deny arrives as
/// <see cref="RatelordDeniedException"/>, whose retry time the loop waits out. Stops the host when done.
/// </summary>
/// <param name="http">Makes the <c>github</c> client.</param>
/// <param name="ratelord">Registers the identity the reads are charged to.</param>
/// <param name="options">What to read.</param>
/// <param name="lifetime">Stopped when the reads are done.</param>
/// <param name="logger">Where the summary goes.</param>
public sealed partial class RepositoryReader(
    IHttpClientFactory http,
    IRatelordClient ratelord,
    SampleWorkerOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<RepositoryReader> logger) : BackgroundService
{
    /// <summary>The name of the HTTP client the worker reads with.</summary>
    public const string ClientName = "github";

    private readonly TaskCompletionSource<SampleWorkerResult> _result =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long _left;
    private long _calls;
    private long _ok;
    private long _throttled;
    private long _denied;

    /// <summary>Completes with the counts once every read is made.</summary>
    public Task<SampleWorkerResult> Result => _result.Task;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            options.Validate();

            // The daemon must know the identity before it is charged; registered already is as good.
            await ratelord.RegisterIdentityAsync(
                new IdentityRegistration(options.IdentityId, "pat", "github"), stoppingToken);

            _left = options.Calls;
            var started = TimeProvider.System.GetTimestamp();
            var client = http.CreateClient(ClientName);
            await Task.WhenAll(Enumerable.Range(0, options.Loops).Select(_ => ReadAsync(client, stoppingToken)));

            var result = new SampleWorkerResult(
                _calls, _ok, _throttled, _denied, TimeProvider.System.GetElapsedTime(started));
            LogSummary(logger, result.ToSummaryLine());
            _result.TrySetResult(result);
        }
        catch (Exception e)
        {
            _result.TrySetException(e);

            throw;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task ReadAsync(HttpClient client, CancellationToken cancellationToken)
    {
        long slot;
        while ((slot = Interlocked.Decrement(ref _left)) >= 0)
        {
            var repository = options.Repositories[(int)(slot % options.Repositories.Count)];
            while (true)
            {
                // The scope of a read is its repository: a per-request change of the client's intent.
                using var request = new HttpRequestMessage(HttpMethod.Get, "repos/" + repository)
                    .WithRatelord(new RatelordRequestOptions { ScopeId = "repo:" + repository });
                try
                {
                    using var response = await client.SendAsync(request, cancellationToken);
                    Count(response.StatusCode);

                    break;
                }
                catch (RatelordDeniedException denied)
                {
                    Interlocked.Increment(ref _denied);
                    await Task.Delay(denied.RetryAfter ?? options.DefaultRetryAfter, cancellationToken);
                }
            }
        }
    }

    private void Count(HttpStatusCode status)
    {
        Interlocked.Increment(ref _calls);
        if ((int)status is >= 200 and < 300)
        {
            Interlocked.Increment(ref _ok);
        }
        else if (status == HttpStatusCode.TooManyRequests)
        {
            Interlocked.Increment(ref _throttled);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Summary}")]
    private static partial void LogSummary(ILogger logger, string summary);
}
