using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ratelord.Sdk;

namespace Ratelord.Samples.LlmAgent;

/// <summary>What a run of the LLM agent did.</summary>
/// <param name="Prompts">Prompts the model answered.</param>
/// <param name="Ok">Prompts answered 2xx.</param>
/// <param name="Throttled">Prompts answered 429: each one a limit Ratelord failed to keep.</param>
/// <param name="Denied">Denies waited out and asked again after.</param>
/// <param name="EstimatedTokens">The tokens asked for, before the calls.</param>
/// <param name="ActualTokens">The tokens the model reported using, settled after the calls.</param>
/// <param name="Elapsed">How long the run took.</param>
public sealed record LlmAgentResult(
    long Prompts,
    long Ok,
    long Throttled,
    long Denied,
    long EstimatedTokens,
    long ActualTokens,
    TimeSpan Elapsed)
{
    /// <summary>
    /// The one-line summary: <c>prompts=N ok=N throttled=N denied=N estimated_tokens=N actual_tokens=N elapsed_s=N</c>.
    /// </summary>
    public string ToSummaryLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"prompts={Prompts} ok={Ok} throttled={Throttled} denied={Denied} estimated_tokens={EstimatedTokens} "
        + $"actual_tokens={ActualTokens} elapsed_s={Elapsed.TotalSeconds:0.###}");
}

/// <summary>
/// An agent that talks to an OpenAI-like chat API the way Ratelord wants token-priced calls made: it estimates the
/// tokens of each prompt before the call, acquires a lease for that many (the daemon reserves them in the token
/// pool, waiting or deferring when the window cannot hold them), makes the call with the credential of the
/// identity the lease names, and settles the lease with the real count from the answer's <c>usage</c>, so the
/// reservation shrinks (or grows) to what the model really used.
/// </summary>
/// <param name="ratelord">The client of the daemon, or the embedded one.</param>
/// <param name="model">The client of the model's API.</param>
/// <param name="output">Where one line per prompt is written; null for none.</param>
/// <param name="timeProvider">The clock of waits after a deny and of the elapsed time; null for the system clock.</param>
public sealed class LlmAgentRunner(
    IRatelordClient ratelord,
    HttpClient model,
    TextWriter? output = null,
    TimeProvider? timeProvider = null)
{
    private static readonly JsonSerializerOptions OpenAiJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// The tokens a prompt may use: its own, at about four characters a token, and every completion token it
    /// allows. Never below what the call can use, so the reservation is never too small.
    /// </summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="maxTokens">The completion tokens it allows.</param>
    /// <returns>The estimate.</returns>
    public static int EstimateTokens(string prompt, int maxTokens) =>
        Math.Max(1, ((prompt?.Length ?? 0) + 3) / 4) + maxTokens;

    /// <summary>Registers the API key's identity, then sends every prompt, one after the other.</summary>
    /// <param name="options">How many prompts, against which API.</param>
    /// <param name="cancellationToken">Stops the agent.</param>
    /// <returns>The counts of the run.</returns>
    /// <exception cref="RatelordUnavailableException">The daemon was away when the identity was registered.</exception>
    public async Task<LlmAgentResult> RunAsync(LlmAgentOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        await ratelord.RegisterIdentityAsync(
            new IdentityRegistration(options.IdentityId, "api_key", "openai"), cancellationToken);

        long ok = 0, throttled = 0, denied = 0, estimated = 0, actual = 0;
        var started = _time.GetTimestamp();
        for (var n = 1; n <= options.Prompts; n++)
        {
            var prompt = $"Summarise the open issues of repository acme/service-{n:00} in three sentences.";
            var estimate = EstimateTokens(prompt, options.MaxTokens);
            var intent = new Intent("llm-agent", options.IdentityId, options.WorkloadId, "global")
            {
                ExpectedCost = estimate,
            };

            RatelordLease lease;
            while (true)
            {
                try
                {
                    lease = await ratelord.AcquireAsync(intent, cancellationToken);

                    break;
                }
                catch (RatelordDeniedException deny)
                {
                    denied++;
                    await Task.Delay(deny.RetryAfter ?? options.DefaultRetryAfter, _time, cancellationToken);
                }
            }

            await using (lease)
            {
                using var response = await SendAsync(options, prompt, lease.IdentityId, cancellationToken);
                var used = response.IsSuccessStatusCode ? await UsedTokensAsync(response, cancellationToken) : null;

                // The real count settles the reservation; the response's headers tell the daemon the pools' state.
                lease.SetOutcome(Outcome.FromResponse(response, used, provider: "openai"));

                estimated += estimate;
                actual += (long)(used ?? 0);
                ok += response.IsSuccessStatusCode ? 1 : 0;
                throttled += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
                var tokens = used?.ToString(CultureInfo.InvariantCulture) ?? "?";
                var asked = string.Create(
                    CultureInfo.InvariantCulture, $"prompt {n:00}: estimated {estimate} tokens");
                var answered = string.Create(
                    CultureInfo.InvariantCulture, $"answered {(int)response.StatusCode} using {tokens} tokens");
                output?.WriteLine($"{asked}, {Describe(lease.Decision)}, {answered}");
            }
        }

        return new LlmAgentResult(
            options.Prompts, ok, throttled, denied, estimated, actual, _time.GetElapsedTime(started));
    }

    private async Task<HttpResponseMessage> SendAsync(
        LlmAgentOptions options,
        string prompt,
        string identityId,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Post, new Uri(options.ProviderAddress, "v1/chat/completions"))
        {
            Content = JsonContent.Create(
                new
                {
                    model = "fake-model",
                    messages = new[] { new { role = "user", content = prompt } },
                    max_tokens = options.MaxTokens,
                },
                options: OpenAiJson),
        };

        // The key of the identity the lease names: the daemon may have switched to another one.
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KeyOf(identityId));

        return await model.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// The secret of an identity stays in the agent: here an environment variable named after it, else a stand-in
    /// the fake model accepts.
    /// </summary>
    private static string KeyOf(string identityId)
    {
        var variable = "LLM_KEY_" + new string([.. identityId.Select(c => char.IsLetterOrDigit(c) ? c : '_')]);

        return Environment.GetEnvironmentVariable(variable.ToUpperInvariant()) ?? "sk-sample";
    }

    private static async Task<double?> UsedTokensAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var body = await JsonDocument.ParseAsync(
            await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);

        return body.RootElement.TryGetProperty("usage", out var usage)
            && usage.TryGetProperty("total_tokens", out var total)
            && total.TryGetDouble(out var tokens)
                ? tokens
                : null;
    }

    private static string Describe(Decision decision) => decision.Delay > TimeSpan.Zero
        ? string.Create(
            CultureInfo.InvariantCulture,
            $"approved after {decision.Delay.TotalSeconds:0.#} s ({decision.Reason})")
        : "approved at once";
}
