namespace Ratelord.Samples.FakeProvider;

/// <summary>The limit a <see cref="FakeGitHubServer"/> enforces.</summary>
public sealed class FakeGitHubOptions
{
    /// <summary>Requests allowed in one window. Default 100.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>
    /// The window's length, in whole seconds since GitHub's reset header is in epoch seconds. Windows are aligned to
    /// multiples of this length since the Unix epoch. Default 10 seconds.
    /// </summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The pool named in <c>x-ratelimit-resource</c>. Default <c>core</c>, GitHub's REST pool.</summary>
    public string Resource { get; init; } = "core";

    /// <summary>Throws when a value cannot work, naming it and the fix.</summary>
    /// <exception cref="ArgumentException">The limit or window is out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (Limit < 1)
        {
            errors.Add($"limit {Limit} must be at least 1 request per window");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"window {Window.TotalSeconds} s must be a whole number of seconds, at least 1");
        }

        if (string.IsNullOrWhiteSpace(Resource))
        {
            errors.Add("resource must name a pool, for example core");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid fake GitHub options: " + string.Join("; ", errors) + ".");
        }
    }
}
