namespace Ratelord.Samples.SampleWorker;

/// <summary>What the worker does: how many reads, by how many loops, as which identity.</summary>
public sealed record SampleWorkerOptions
{
    /// <summary>Reads to make in total, shared between the loops. Default 300.</summary>
    public int Calls { get; init; } = 300;

    /// <summary>Loops reading at once. Default 4.</summary>
    public int Loops { get; init; } = 4;

    /// <summary>The identity every read is charged to. Default <c>pat:worker</c>.</summary>
    public string IdentityId { get; init; } = "pat:worker";

    /// <summary>The repositories read, in turn; each read's scope is <c>repo:</c> followed by it.</summary>
    public IReadOnlyList<string> Repositories { get; init; } = ["acme/web", "acme/api", "acme/docs"];

    /// <summary>How long to wait after a deny that names no retry time. Default 1 second.</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws when a value cannot work, naming it and the fix.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (Calls < 0)
        {
            errors.Add($"calls {Calls} must be 0 or more");
        }

        if (Loops < 1)
        {
            errors.Add($"loops {Loops} must be at least 1");
        }

        if (string.IsNullOrWhiteSpace(IdentityId))
        {
            errors.Add("identity must name an identity, for example pat:worker");
        }

        if (Repositories.Count == 0)
        {
            errors.Add("at least one repository must be named, for example acme/web");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid sample worker options: " + string.Join("; ", errors) + ".");
        }
    }
}
