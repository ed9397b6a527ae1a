using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Ratelord.Sdk;

// Reads for operators' tools (the ratelord command, its terminal UI and MCP server, scripts): each returns the
// daemon's answer as JSON, unchanged, so a tool shows every field the daemon reports, including fields newer than
// this SDK. None of them decides anything; they read what the daemon recorded.
public sealed partial class RatelordClient
{
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    /// <summary>Reads <c>GET /v1/health</c> as the daemon answers it: status, version, uptime, log, policy.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The daemon's answer.</returns>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    /// <exception cref="RatelordRequestException">The daemon refused the request.</exception>
    public Task<JsonElement> GetHealthReportAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(HttpMethod.Get, "v1/health", null, "read its health", cancellationToken);

    /// <summary>
    /// Reads <c>GET /v1/vitals</c>: overall risk, pools by status, decisions per minute, denial rate, decision
    /// latency, event rate, commit batches and database size.
    /// </summary>
    /// <inheritdoc cref="GetHealthReportAsync" path="/param"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/returns"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/exception"/>
    public Task<JsonElement> GetVitalsAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(HttpMethod.Get, "v1/vitals", null, "read its vital signs", cancellationToken);

    /// <summary>Reads <c>GET /v1/pools</c>: every pool's posture and forecast.</summary>
    /// <inheritdoc cref="GetHealthReportAsync" path="/param"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/returns"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/exception"/>
    public Task<JsonElement> GetPoolsAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(HttpMethod.Get, "v1/pools", null, "list its pools", cancellationToken);

    /// <summary>
    /// Reads <c>GET /v1/pools/detail</c>: one pool now, its remaining capacity over time, the forecast cone and the
    /// recent decisions on it.
    /// </summary>
    /// <param name="poolId">The pool as <c>provider/pool@owner</c>, for example <c>github/core@pat:ci-bot</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The daemon's answer.</returns>
    /// <exception cref="RatelordRequestException">No such pool (404).</exception>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    public Task<JsonElement> GetPoolDetailAsync(string poolId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(poolId);

        return SendForJsonAsync(
            HttpMethod.Get,
            "v1/pools/detail?pool_id=" + Uri.EscapeDataString(poolId),
            null,
            $"read pool '{poolId}'",
            cancellationToken);
    }

    /// <summary>Reads <c>GET /v1/forecasts</c>: each pool's forecast by every model the daemon runs.</summary>
    /// <inheritdoc cref="GetHealthReportAsync" path="/param"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/returns"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/exception"/>
    public Task<JsonElement> GetForecastsAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(HttpMethod.Get, "v1/forecasts", null, "read its forecasts", cancellationToken);

    /// <summary>Reads <c>GET /v1/providers</c>: the provider instances the daemon polls and how each stands.</summary>
    /// <inheritdoc cref="GetHealthReportAsync" path="/param"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/returns"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/exception"/>
    public Task<JsonElement> GetProvidersAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(HttpMethod.Get, "v1/providers", null, "list its providers", cancellationToken);

    /// <summary>Reads <c>GET /v1/identities</c>: the registered identities, by reference.</summary>
    /// <inheritdoc cref="GetHealthReportAsync" path="/param"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/returns"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/exception"/>
    public Task<JsonElement> ListIdentitiesAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(HttpMethod.Get, "v1/identities", null, "list its identities", cancellationToken);

    /// <summary>Deletes an identity: intents for it are refused from then on.</summary>
    /// <param name="identityId">The identity's id.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns>A task that completes when the daemon recorded the deletion.</returns>
    /// <exception cref="RatelordRequestException">No such identity (404) or a malformed id (400).</exception>
    /// <exception cref="RatelordUnavailableException">The daemon could not be reached or failed.</exception>
    public async Task DeleteIdentityAsync(string identityId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityId);

        await SendForJsonAsync(
            HttpMethod.Delete,
            "v1/identities/" + Uri.EscapeDataString(identityId),
            null,
            $"delete identity '{identityId}'",
            cancellationToken);
    }

    /// <summary>
    /// Reads one page of the event log, <c>GET /v1/events</c>: events after a position, oldest first.
    /// </summary>
    /// <param name="after">The position to read after; 0 for the start of the log.</param>
    /// <param name="limit">The most events to return, 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page: <c>events</c>, <c>next_after</c> and <c>last_position</c>.</returns>
    /// <exception cref="RatelordRequestException">The daemon refused the query (400).</exception>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    public Task<JsonElement> GetEventsAsync(
        long after = 0,
        int limit = 100,
        CancellationToken cancellationToken = default) =>
        SendForJsonAsync(
            HttpMethod.Get,
            string.Create(CultureInfo.InvariantCulture, $"v1/events?after={after}&limit={limit}"),
            null,
            "read its event log",
            cancellationToken);

    /// <summary>
    /// Reads one page of the events of one type, <c>GET /v1/events?type=</c>: the first events of that type after a
    /// position, oldest first.
    /// </summary>
    /// <param name="type">The event type, for example <c>intent_decided</c>.</param>
    /// <param name="after">The position to read after; 0 for the start of the log.</param>
    /// <param name="limit">The most events to return, 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>
    /// The page: <c>events</c>, <c>next_after</c> and <c>last_position</c>. The daemon reads a bounded stretch of the
    /// log for each page, so a page may hold fewer than <paramref name="limit"/> events while more follow: read on
    /// from <c>next_after</c> until it reaches <c>last_position</c>.
    /// </returns>
    /// <exception cref="RatelordRequestException">The daemon refused the query (400): an unknown type, say.</exception>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    public Task<JsonElement> GetEventsOfTypeAsync(
        string type,
        long after = 0,
        int limit = 100,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);

        return SendForJsonAsync(
            HttpMethod.Get,
            string.Create(
                CultureInfo.InvariantCulture,
                $"v1/events?type={Uri.EscapeDataString(type)}&after={after}&limit={limit}"),
            null,
            "read its event log",
            cancellationToken);
    }

    /// <summary>
    /// Follows the event log live (<c>GET /v1/events?stream=true</c>): yields each event after
    /// <paramref name="after"/> as soon as the daemon commits it, until cancelled.
    /// </summary>
    /// <param name="after">The position to follow from; 0 for the whole log.</param>
    /// <param name="cancellationToken">Stops following.</param>
    /// <returns>The events, in log order.</returns>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, or the stream ended without the caller stopping it (the daemon stopped).
    /// Follow again from the last position seen to resume without a gap.
    /// </exception>
    public async IAsyncEnumerable<DaemonEvent> FollowEventsAsync(
        long after = 0,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"v1/events?stream=true&after={after}");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseAddress, path));
        request.Headers.Accept.Add(EventStream);

        // Only the wait for the stream to open is timed: once open, a quiet log is not an outage.
        HttpResponseMessage response;
        using (var opening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            opening.CancelAfter(_options.Timeout);
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, opening.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (HttpRequestException e)
            {
                throw Unavailable("open its event stream", Exchange.Failed(ConnectionFailed, Describe(e), e));
            }
            catch (OperationCanceledException e)
            {
                throw Unavailable("open its event stream", Exchange.Failed(TimedOut, NoAnswerWithin(), e));
            }
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw IsOutage(response.StatusCode)
                    ? Unavailable(
                        "open its event stream",
                        Exchange.Failed(DaemonError, $"status {(int)response.StatusCode}", null))
                    : await RejectedAsync(HttpMethod.Get, path, response, cancellationToken);
            }

            using var reader = new StreamReader(
                await response.Content.ReadAsStreamAsync(cancellationToken),
                Encoding.UTF8);
            await foreach (var item in ReadServerSentEventsAsync(reader, cancellationToken))
            {
                yield return item;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();

        throw Unavailable("keep its event stream open", Exchange.Failed(DaemonError, "the stream ended", null));
    }

    /// <summary>Reads <c>GET /v1/intents</c>: the recent decisions, newest first.</summary>
    /// <param name="limit">The most decisions to return, 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The daemon's answer: <c>decisions</c>, each with agent, identity, verdict, reason and pools.</returns>
    /// <exception cref="RatelordRequestException">The daemon refused the query (400).</exception>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    public Task<JsonElement> ListDecisionsAsync(int limit = 100, CancellationToken cancellationToken = default) =>
        SendForJsonAsync(
            HttpMethod.Get,
            string.Create(CultureInfo.InvariantCulture, $"v1/intents?limit={limit}"),
            null,
            "list its decisions",
            cancellationToken);

    /// <summary>
    /// Reads <c>GET /v1/intents/{intent_id}</c>: what was asked, what was decided and why, how it ended, and where
    /// its pools stand now.
    /// </summary>
    /// <param name="intentId">The intent's id, from <see cref="Decision.IntentId"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The daemon's explanation.</returns>
    /// <exception cref="RatelordRequestException">No such intent (404).</exception>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    public Task<JsonElement> ExplainDecisionAsync(Guid intentId, CancellationToken cancellationToken = default) =>
        SendForJsonAsync(
            HttpMethod.Get,
            "v1/intents/" + intentId.ToString("D", CultureInfo.InvariantCulture),
            null,
            $"explain intent {intentId}",
            cancellationToken);

    /// <summary>
    /// Reads <c>GET /v1/graph</c>: scopes, agents, identities, pools and providers, and who draws from what.
    /// </summary>
    /// <inheritdoc cref="GetHealthReportAsync" path="/param"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/returns"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/exception"/>
    public Task<JsonElement> GetGraphAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(HttpMethod.Get, "v1/graph", null, "read its constraint graph", cancellationToken);

    /// <summary>
    /// Reads <c>GET /v1/policy</c>: the policy in force, its rules and workloads, and the last reload.
    /// </summary>
    /// <inheritdoc cref="GetHealthReportAsync" path="/param"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/returns"/>
    /// <inheritdoc cref="GetHealthReportAsync" path="/exception"/>
    public Task<JsonElement> GetPolicyAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(HttpMethod.Get, "v1/policy", null, "read its policy", cancellationToken);

    /// <summary>
    /// Asks the daemon to reload its policy file (<c>POST /v1/policy/reload</c>). A file with errors is refused
    /// whole and the policy in force stays; that is an answer, not an exception: its <c>last_reload</c> says
    /// <c>accepted: false</c> and lists every error.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The policy in force after the reload, with <c>last_reload</c>.</returns>
    /// <exception cref="RatelordRequestException">The daemon runs without a policy file (409).</exception>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    public Task<JsonElement> ReloadPolicyAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(
            HttpMethod.Post,
            "v1/policy/reload",
            null,
            "reload its policy",
            cancellationToken,
            acceptedError: HttpStatusCode.UnprocessableEntity);

    /// <summary>
    /// Asks the daemon to check a policy text without applying it (<c>POST /v1/policy/validate</c>).
    /// </summary>
    /// <param name="text">The policy file's content, YAML or JSON.</param>
    /// <param name="source">The name errors refer to, such as the file's path; null for <c>policy</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The verdict: <c>valid</c>, <c>version</c> and every error.</returns>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    public Task<JsonElement> ValidatePolicyAsync(
        string text,
        string? source = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);

        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            if (source is not null)
            {
                json.WriteString("source", source);
            }

            json.WriteString("text", text);
            json.WriteEndObject();
        }

        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        return SendForJsonAsync(HttpMethod.Post, "v1/policy/validate", content, "validate a policy", cancellationToken);
    }

    /// <summary>
    /// Asks the daemon to rebuild its projections from the log and compare them with the live ones
    /// (<c>POST /v1/replay/verify</c>). Nothing is changed.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The comparison: <c>equal</c>, the position compared at, and the entries that differ.</returns>
    /// <exception cref="RatelordUnavailableException">
    /// The daemon could not be reached, failed, or answered badly.
    /// </exception>
    public Task<JsonElement> VerifyReplayAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(HttpMethod.Post, "v1/replay/verify", null, "verify its replay", cancellationToken);

    /// <summary>
    /// One exchange whose answer is JSON. An outage throws <see cref="RatelordUnavailableException"/>, a refusal
    /// <see cref="RatelordRequestException"/>, except the one error status the caller reads as an answer.
    /// </summary>
    private async Task<JsonElement> SendForJsonAsync(
        HttpMethod method,
        string path,
        HttpContent? content,
        string action,
        CancellationToken cancellationToken,
        HttpStatusCode? acceptedError = null)
    {
        using (content)
        {
            var exchange = await ExchangeAsync(method, path, content, cancellationToken);
            using var response = exchange.Response ?? throw Unavailable(action, exchange);
            if (!response.IsSuccessStatusCode && response.StatusCode != acceptedError)
            {
                throw await RejectedAsync(method, path, response, cancellationToken);
            }

            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return default;
            }

            if (NotFromRatelord(method, path, response) is { } notJson)
            {
                throw Unavailable(action, Exchange.Failed(NotRatelord, notJson, null));
            }

            JsonElement answer;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
                answer = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw Unavailable(action, Exchange.Failed(UnreadableAnswer, e.Message, e));
            }

            return NotFromRatelord(method, path, answer) is { } why
                ? throw Unavailable(action, Exchange.Failed(NotRatelord, why, null))
                : answer;
        }
    }

    /// <summary>
    /// Reads server-sent events: <c>id:</c>, <c>event:</c> and <c>data:</c> fields, dispatched at each blank line;
    /// comment lines (the daemon's keep-alives) are skipped.
    /// </summary>
    /// <summary>
    /// One line of the event stream. A daemon that stops or restarts resets the connection mid-read; that is an
    /// outage like any other, so it surfaces as <see cref="RatelordUnavailableException"/> for callers to retry.
    /// </summary>
    private static async Task<string?> ReadStreamLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException
            && !cancellationToken.IsCancellationRequested)
        {
            throw new RatelordUnavailableException($"The Ratelord daemon's event stream broke: {e.Message}", e);
        }
    }

    private static async IAsyncEnumerable<DaemonEvent> ReadServerSentEventsAsync(
        StreamReader reader,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? id = null;
        string? type = null;
        var data = new StringBuilder();
        while (await ReadStreamLineAsync(reader, cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0
                    && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
                {
                    JsonElement payload;
                    try
                    {
                        using var document = JsonDocument.Parse(data.ToString());
                        payload = document.RootElement.Clone();
                    }
                    catch (JsonException e)
                    {
                        throw new RatelordUnavailableException(
                            $"The Ratelord daemon sent an event that is not JSON at position {position}: {e.Message}",
                            e);
                    }

                    yield return new DaemonEvent(position, type ?? "message", payload);
                }

                id = null;
                type = null;
                data.Clear();
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    data.Append(data.Length > 0 ? "\n" : "").Append(value);
                    break;
            }
        }
    }
}

/// <summary>One event of the daemon's log as the live stream delivers it.</summary>
/// <param name="Position">Its position in the log; follow again after it to resume.</param>
/// <param name="Type">Its type, for example <c>intent_decided</c>.</param>
/// <param name="Data">
/// The event as <c>GET /v1/events</c> shows it: <c>position</c>, <c>type</c>, times, the four dimensions
/// (<c>agent_id</c>, <c>identity_id</c>, <c>workload_id</c>, <c>scope_id</c>), and its <c>payload</c>.
/// </param>
public sealed record DaemonEvent(long Position, string Type, JsonElement Data);
