using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mediator;
using Ratelord.Core.Commands;
using Ratelord.Core.Events;
using Ratelord.Core.Providers;
using Ratelord.Host.Configuration;
using Ratelord.Host.Logging;
using Ratelord.Host.Services;

namespace Ratelord.Host.Pollers;

/// <summary>
/// Polls one configured provider instance: asks it for its rate-limit state, passes the answer (or
/// why there was none) to the single writer as <see cref="RecordProviderPoll"/>, and waits until the
/// poll the writer scheduled: the interval after a success, a backoff with jitter after a failure.
/// </summary>
/// <remarks>
/// The credential is read from its environment variable at each poll and scrubbed from everything
/// the answer brings back before the answer leaves this class, so no value of it can reach the log,
/// the database or an API answer, even from a provider that echoes it.
/// </remarks>
public sealed class ProviderPoller : BackgroundService
{
    /// <summary>The largest answer body read; a larger one is left unread.</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>The most header lines passed on from one answer.</summary>
    public const int MaxHeaderLines = 200;

    private const string Redacted = "[redacted]";

    private readonly PollerOptions _options;
    private readonly IHttpClientFactory _clients;
    private readonly IMediator _mediator;
    private readonly TimeProvider _time;
    private readonly ILogger<ProviderPoller> _logger;
    private string? _failing;

    /// <summary>Creates the poller of one instance.</summary>
    public ProviderPoller(
        PollerOptions options,
        IHttpClientFactory clients,
        IMediator mediator,
        TimeProvider time,
        ILogger<ProviderPoller> logger)
    {
        _options = options;
        _clients = clients;
        _mediator = mediator;
        _time = time;
        _logger = logger;
    }

    /// <summary>The name of the <see cref="HttpClient"/> configured for the instance.</summary>
    public static string ClientName(string providerId) => $"ratelord-poller:{providerId}";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _mediator.Send(_options.ToCommand(), stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            HostLog.PollerNotConfigured(_logger, _options.Id, exception);

            return;
        }

        HostLog.PollerStarted(
            _logger,
            _options.Id,
            _options.Kind,
            _options.Endpoint,
            _options.Interval.TotalSeconds,
            _options.IdentityId);
        try
        {
            var next = _time.GetUtcNow();
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = next - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stoppingToken);
                }

                next = await PollOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The daemon is stopping; a poll in flight is simply not recorded.
        }
    }

    /// <summary>Polls once, records the outcome, and returns when the next poll is due.</summary>
    internal async Task<DateTimeOffset> PollOnceAsync(CancellationToken stoppingToken)
    {
        var command = await FetchAsync(stoppingToken);
        try
        {
            var result = await _mediator.Send(command, stoppingToken);
            if (result.ErrorKind is { } kind)
            {
                // Each change of trouble is worth a warning; its repetitions are not.
                if (_failing != kind)
                {
                    HostLog.PollFailed(_logger, _options.Id, kind, result.ErrorMessage, result.NextPollAt);
                }

                _failing = kind;
            }
            else
            {
                if (_failing is { } previous)
                {
                    HostLog.PollRecovered(_logger, _options.Id, previous);
                }

                _failing = null;
                HostLog.PollSucceeded(_logger, _options.Id, result.UpdatedPools.Count, result.NextPollAt);
            }

            return result.NextPollAt;
        }
        catch (Exception exception)
            when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            HostLog.PollNotRecorded(_logger, _options.Id, exception);

            return _time.GetUtcNow() + _options.Interval;
        }
    }

    /// <summary>Asks the provider, and turns whatever happens into the command that records it.</summary>
    private async Task<RecordProviderPoll> FetchAsync(CancellationToken stoppingToken)
    {
        var jitter = Random.Shared.NextDouble();
        var secret = _options.CredentialEnv is { } variable ? Environment.GetEnvironmentVariable(variable) : null;
        if (_options.CredentialEnv is not null && string.IsNullOrEmpty(secret))
        {
            return Failed(
                ProviderErrorKinds.Auth,
                $"environment variable {_options.CredentialEnv} is empty or not set; no poll was sent",
                0,
                jitter);
        }

        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            using var request = Request(secret);
            var http = _clients.CreateClient(ClientName(_options.Id));
            using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var body = await BodyAsync(answer, secret, linked.Token);
            var response = new ProviderResponse((int)answer.StatusCode, Headers(answer, secret), body);

            return new RecordProviderPoll(_options.Id, response, null, null, Elapsed(started), jitter);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            var seconds = _options.Timeout.TotalSeconds;

            return Failed(ProviderErrorKinds.Timeout, $"no answer within {seconds}s", Elapsed(started), jitter);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or InvalidOperationException)
        {
            var message = Scrub(exception.Message, secret);

            return Failed(ProviderErrorKinds.Unreachable, message, Elapsed(started), jitter);
        }
    }

    private RecordProviderPoll Failed(string kind, string message, double seconds, double jitter) =>
        new(_options.Id, null, kind, message, seconds, jitter);

    private double Elapsed(long started) => _time.GetElapsedTime(started).TotalSeconds;

    private HttpRequestMessage Request(string? secret)
    {
        var request = new HttpRequestMessage(new HttpMethod(_options.Method), _options.RequestUri);
        request.Headers.TryAddWithoutValidation("User-Agent", $"ratelord-d/{DaemonInfo.Version}");
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (secret is not null)
        {
            request.Headers.TryAddWithoutValidation(_options.CredentialHeader, _options.CredentialPrefix + secret);
        }

        if (_options.Method == "POST" && _options.Body is { } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>Every header line of the answer, as sent, with the credential scrubbed from each value.</summary>
    private static List<KeyValuePair<string, string>> Headers(HttpResponseMessage answer, string? secret)
    {
        var lines = new List<KeyValuePair<string, string>>();
        foreach (var headers in new HttpHeaders[] { answer.Headers, answer.Content.Headers })
        {
            foreach (var (name, values) in headers.NonValidated)
            {
                foreach (var value in values)
                {
                    lines.Add(KeyValuePair.Create(name, Scrub(value, secret)));
                }
            }
        }

        return lines.Count > MaxHeaderLines ? lines[..MaxHeaderLines] : lines;
    }

    /// <summary>
    /// The answer's JSON body, scrubbed of the credential before it is parsed; null when it is empty,
    /// too large or not JSON, which leaves its reading to the headers.
    /// </summary>
    private static async Task<JsonElement?> BodyAsync(
        HttpResponseMessage answer,
        string? secret,
        CancellationToken token)
    {
        await using var stream = await answer.Content.ReadAsStreamAsync(token);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, token)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        var text = Scrub(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), secret);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);

            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Scrub(string text, string? secret)
    {
        Debug.Assert(secret is null || secret.Length > 0, "An empty credential is never sent.");

        return secret is null ? text : text.Replace(secret, Redacted, StringComparison.Ordinal);
    }
}
