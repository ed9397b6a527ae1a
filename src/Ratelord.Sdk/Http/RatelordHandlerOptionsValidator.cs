using System.Globalization;
using Microsoft.Extensions.Options;

namespace Ratelord.Sdk.Http;

/// <summary>
/// Checks <see cref="RatelordHandlerOptions"/> once, at start-up, and reports every bad value together, each with the
/// value it found and how to fix it.
/// </summary>
public sealed class RatelordHandlerOptionsValidator : IValidateOptions<RatelordHandlerOptions>
{
    private const int MaxNameLength = 200;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RatelordHandlerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var client = string.IsNullOrEmpty(name) ? "the Ratelord handler" : $"the Ratelord handler of client '{name}'";

        CheckName(errors, client, "AgentId", options.AgentId, "crawler-01");
        CheckName(errors, client, "IdentityId", options.IdentityId, "pat:ci-bot");
        CheckName(errors, client, "WorkloadId", options.WorkloadId, "repo_read");
        CheckName(errors, client, "ScopeId", options.ScopeId, "global");

        if (!Enum.IsDefined(options.Urgency))
        {
            errors.Add($"{client}: Urgency '{options.Urgency}' is not an urgency; set High, Normal or Background.");
        }

        if (options.MaxWait is { } maxWait && maxWait < TimeSpan.Zero)
        {
            errors.Add(
                $"{client}: MaxWait {maxWait.ToString("c", CultureInfo.InvariantCulture)} is negative; set it to "
                + "zero (no wait accepted), a positive time, or null (any wait).");
        }

        if (options.Provider is { } provider && string.IsNullOrWhiteSpace(provider))
        {
            errors.Add($"{client}: Provider is blank; name a header format family (github, openai, ...) or leave it "
                + "null to let the daemon recognise it.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckName(List<string> errors, string client, string field, string? value, string example)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{client}: {field} is not set; set it, for example to '{example}'.");
        }
        else if (value.Length > MaxNameLength || value.Any(char.IsControl))
        {
            errors.Add(
                $"{client}: {field} '{value}' must be at most {MaxNameLength} characters without control characters.");
        }
    }
}
