using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ratelord.Sdk.Diagnostics;
using Ratelord.Sdk.Wire;

namespace Ratelord.Sdk;

// The transport: one exchange with the daemon, and the line between an outage (the failure mode decides) and a
// refusal (the caller's mistake, thrown).
public sealed partial class RatelordClient
{
    private const string TimedOut = "timeout";
    private const string ConnectionFailed = "connection_failed";
    private const string DaemonError = "daemon_error";
    private const string UnreadableAnswer = "unreadable_answer";

    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue Problem = new("application/problem+json");

    /// <summary>
    /// Sends one request. Returns the response when the daemon answered with anything but an outage status;
    /// otherwise returns why it failed. Only the caller's own cancellation is thrown.
    /// </summary>
    private async Task<Exchange> ExchangeAsync(
        HttpMethod method,
        string path,
        HttpContent? content,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseAddress, path)) { Content = content };
        request.Headers.Accept.Add(Json);
        request.Headers.Accept.Add(Problem);

        // The timeout runs on the client's clock, so that a test can move it like every other wait. It has its own
        // token, linked to the caller's, so the two can be told apart below: the caller's cancellation is the
        // caller's business, the timeout is an outage.
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            // Either this timeout or the HttpClient's own, whichever is shorter: both mean the daemon is too slow.
            return Exchange.Failed(TimedOut, NoAnswerWithin(), e);
        }
        catch (HttpRequestException e)
        {
            return Exchange.Failed(ConnectionFailed, Describe(e), e);
        }

        if (IsOutage(response.StatusCode))
        {
            var status = (int)response.StatusCode;
            response.Dispose();

            return Exchange.Failed(DaemonError, $"status {status}", null);
        }

        return new Exchange(response, string.Empty, string.Empty, null);
    }

    private string NoAnswerWithin() =>
        string.Create(CultureInfo.InvariantCulture, $"no answer within {_options.Timeout.TotalSeconds} s");

    /// <summary>
    /// A 5xx is the daemon failing; 408 and 429 are the daemon (or a proxy before it) too busy to answer. None of
    /// them says anything about the request, so they count as an outage rather than a refusal.
    /// </summary>
    private static bool IsOutage(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>Turns a 4xx answer into the exception that carries its problem details.</summary>
    private async Task<RatelordRequestException> RejectedAsync(
        HttpMethod method,
        string path,
        HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        ProblemAnswer? problem = null;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            problem = body.Length == 0 ? null : JsonSerializer.Deserialize(body, WireJsonContext.Default.ProblemAnswer);
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's page, say): the raw text below is all there is to show.
        }

        RatelordClientLog.RequestRejected(_logger, method.Method, "/" + path, status, problem?.Code);

        return new RatelordRequestException(
            status,
            problem?.Code,
            problem?.Title ?? response.ReasonPhrase,
            problem is null ? Excerpt(body) : problem.Detail,
            WireMapper.ToErrors(problem?.Errors));
    }

    private static string? Excerpt(string body)
    {
        const int MaxLength = 200;

        return body.Length == 0 ? null : body.Length <= MaxLength ? body : body[..MaxLength] + "...";
    }

    /// <summary>The result of one exchange: a response, or why there is none.</summary>
    /// <param name="Response">The response, when the daemon answered with a status that is not an outage.</param>
    /// <param name="Cause">
    /// Why there is no usable answer: timeout, connection_failed, daemon_error, unreadable_answer or not_ratelord
    /// (another server answers at the address).
    /// </param>
    /// <param name="Detail">What happened, for a person: the socket error, the status, the time waited.</param>
    /// <param name="Error">The exception behind the failure, when there was one.</param>
    private readonly record struct Exchange(
        HttpResponseMessage? Response,
        string Cause,
        string Detail,
        Exception? Error)
    {
        /// <summary>
        /// The exception worth a stack trace in the log: only an unreadable answer, which is a bug in the daemon or
        /// the SDK. A refused connection or a timeout is an outage, fully told by <see cref="Detail"/>.
        /// </summary>
        public Exception? Unexpected => Cause == UnreadableAnswer ? Error : null;

        public static Exchange Failed(string cause, string detail, Exception? error) =>
            new(null, cause, detail, error);
    }
}
