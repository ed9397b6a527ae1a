namespace Ratelord.Samples.LlmAgent;

/// <summary>What the LLM agent does: how many prompts, against which API, as which identity.</summary>
public sealed record LlmAgentOptions
{
    /// <summary>The model API's address, for example the fake one at <c>http://127.0.0.1:9092/</c>.</summary>
    public required Uri ProviderAddress { get; init; }

    /// <summary>Prompts to send, one after the other. Default 30.</summary>
    public int Prompts { get; init; } = 30;

    /// <summary>The completion tokens each prompt allows. Default 200.</summary>
    public int MaxTokens { get; init; } = 200;

    /// <summary>The API key's identity every prompt is charged to. Default <c>key:llm-sample</c>.</summary>
    public string IdentityId { get; init; } = "key:llm-sample";

    /// <summary>The workload of every prompt, which the policy maps to the request and token pools.</summary>
    public string WorkloadId { get; init; } = "chat_completion";

    /// <summary>How long to wait after a deny that names no retry time. Default 1 second.</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws when a value cannot work, naming it and the fix.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (!ProviderAddress.IsAbsoluteUri)
        {
            errors.Add($"provider address '{ProviderAddress}' must be absolute, for example http://127.0.0.1:9092");
        }

        if (Prompts < 0)
        {
            errors.Add($"prompts {Prompts} must be 0 or more");
        }

        if (MaxTokens < 1)
        {
            errors.Add($"max tokens {MaxTokens} must be at least 1");
        }

        if (string.IsNullOrWhiteSpace(IdentityId))
        {
            errors.Add("identity must name an identity, for example key:llm-sample");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid LLM agent options: " + string.Join("; ", errors) + ".");
        }
    }
}
