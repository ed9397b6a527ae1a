using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary>What every command takes: where the daemon is, and whether to answer in JSON.</summary>
internal class GlobalSettings : CommandSettings
{
    /// <summary>The daemon's address when neither <c>--url</c> nor <c>RATELORD_URL</c> gives one.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8090";

    [CommandOption("--url <URL>")]
    [Description("The daemon's address. Default: $RATELORD_URL, else " + DefaultUrl + ".")]
    public string? Url { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON for scripts instead of tables for people.")]
    public bool Json { get; init; }

    /// <summary>The address to use: the option, else the environment variable, else the default.</summary>
    public Uri DaemonUrl => new(
        Url ?? (Environment.GetEnvironmentVariable("RATELORD_URL") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : DefaultUrl));

    public override ValidationResult Validate()
    {
        var text = Url ?? Environment.GetEnvironmentVariable("RATELORD_URL");
        if (text is { Length: > 0 }
            && (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            return ValidationResult.Error(
                $"--url '{text}' is not an http:// or https:// address, such as {DefaultUrl}.");
        }

        return ValidationResult.Success();
    }
}
