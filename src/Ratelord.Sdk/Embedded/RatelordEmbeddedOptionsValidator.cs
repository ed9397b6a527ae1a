using Microsoft.Extensions.Options;

namespace Ratelord.Sdk.Embedded;

/// <summary>
/// Checks <see cref="RatelordEmbeddedOptions"/> once, at start-up, and reports every bad value together, each with
/// how to fix it.
/// </summary>
public sealed class RatelordEmbeddedOptionsValidator : IValidateOptions<RatelordEmbeddedOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RatelordEmbeddedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (options.PolicyPath is not null && options.Policy is not null)
        {
            errors.Add(
                "Ratelord embedded: both PolicyPath and Policy are set; set one of them, or neither for the built-in "
                + "policy.");
        }

        if (options.PolicyPath is { } path && !File.Exists(path))
        {
            errors.Add(
                $"Ratelord embedded: PolicyPath '{path}' is not a file (full path '{Path.GetFullPath(path)}'); point "
                + "it at a policy file, or leave it null for the built-in policy.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
