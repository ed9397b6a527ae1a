using System.Globalization;
using Microsoft.Extensions.Options;

namespace Ratelord.Sdk;

/// <summary>
/// Checks <see cref="RatelordClientOptions"/> once, at start-up, and reports every bad value together, each with
/// the value it found and how to fix it.
/// </summary>
public sealed class RatelordClientOptionsValidator : IValidateOptions<RatelordClientOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RatelordClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (options.BaseAddress is null)
        {
            errors.Add(
                "Ratelord:BaseAddress is not set; set it to the daemon's address, for example http://127.0.0.1:8090.");
        }
        else if (!options.BaseAddress.IsAbsoluteUri
            || (options.BaseAddress.Scheme != Uri.UriSchemeHttp && options.BaseAddress.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add(
                $"Ratelord:BaseAddress '{options.BaseAddress}' is not an absolute http or https address; set it to the "
                + "daemon's address, for example http://127.0.0.1:8090.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > RatelordClientOptions.MaxTimeout)
        {
            errors.Add(
                $"Ratelord:Timeout {Format(options.Timeout)} is out of range; set it above zero and at most "
                + $"{Format(RatelordClientOptions.MaxTimeout)} "
                + $"(default {Format(RatelordClientOptions.DefaultTimeout)}).");
        }

        if (!Enum.IsDefined(options.FailureMode))
        {
            errors.Add(
                $"Ratelord:FailureMode '{options.FailureMode}' is not a failure mode; set it to "
                + $"{nameof(FailureMode.FailClosed)} (the default) or {nameof(FailureMode.FailOpen)}.");
        }

        if (options.UnreachableRetryAfter <= TimeSpan.Zero)
        {
            errors.Add(
                $"Ratelord:UnreachableRetryAfter {Format(options.UnreachableRetryAfter)} must be above zero, or agents "
                + "would ask a daemon that is away in a tight loop; set it to a few seconds (default "
                + $"{Format(RatelordClientOptions.DefaultUnreachableRetryAfter)}).");
        }

        if (options.MaxRetryAttempts is < 0 or > RatelordClientOptions.MaxMaxRetryAttempts)
        {
            errors.Add(
                $"Ratelord:MaxRetryAttempts {options.MaxRetryAttempts} is out of range; set it from 0 (no retries) to "
                + $"{RatelordClientOptions.MaxMaxRetryAttempts} "
                + $"(default {RatelordClientOptions.DefaultMaxRetryAttempts}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
