namespace Ratelord.Samples.SampleAgent;

/// <summary>
/// What a <see cref="SampleAgentRunner"/> does: how many calls, by how many agents, against which API.
/// </summary>
public sealed record SampleAgentOptions
{
    /// <summary>The provider's address, for example the fake GitHub API at <c>http://127.0.0.1:9091/</c>.</summary>
    public required Uri ProviderAddress { get; init; }

    /// <summary>Calls to make in total, shared between the agents. Default 1000.</summary>
    public int Calls { get; init; } = 1000;

    /// <summary>Agent loops running at once. Default 8.</summary>
    public int Agents { get; init; } = 8;

    /// <summary>The identity every call is charged to. Default <c>pat:sample</c>.</summary>
    public string IdentityId { get; init; } = "pat:sample";

    /// <summary>The workload of every intent. Default <c>repo_read</c>.</summary>
    public string WorkloadId { get; init; } = "repo_read";

    /// <summary>The repository read; the scope is <c>repo:</c> followed by it. Default <c>acme/web</c>.</summary>
    public string Repository { get; init; } = "acme/web";

    /// <summary>
    /// How long to wait after a deny that names no retry time, before asking again. Default 1 second.
    /// </summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws when a value cannot work, naming it and the fix.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (!ProviderAddress.IsAbsoluteUri)
        {
            errors.Add($"provider address '{ProviderAddress}' must be absolute, for example http://127.0.0.1:9091");
        }

        if (Calls < 0)
        {
            errors.Add($"calls {Calls} must be 0 or more");
        }

        if (Agents < 1)
        {
            errors.Add($"agents {Agents} must be at least 1");
        }

        if (string.IsNullOrWhiteSpace(IdentityId))
        {
            errors.Add("identity must name an identity, for example pat:sample");
        }

        if (DefaultRetryAfter <= TimeSpan.Zero)
        {
            errors.Add($"default retry {DefaultRetryAfter} must be above zero");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid sample agent options: " + string.Join("; ", errors) + ".");
        }
    }
}
