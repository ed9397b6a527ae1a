using System.Globalization;
using System.Net;

namespace Ratelord.Host.Configuration;

/// <summary>
/// How the daemon runs. Each setting comes from a command-line option, else an environment
/// variable, else its default; all of them are checked at start-up and every error is reported
/// together.
/// </summary>
public sealed record DaemonSettings
{
    /// <summary>Default HTTP port: 8090.</summary>
    public const int DefaultPort = 8090;

    /// <summary>Default database file: <c>./ratelord.db</c>.</summary>
    public const string DefaultDbPath = "./ratelord.db";

    /// <summary>Default bind address: loopback only.</summary>
    public const string DefaultBind = "127.0.0.1";

    public int Port { get; init; } = DefaultPort;

    public string Bind { get; init; } = DefaultBind;

    public string DbPath { get; init; } = DefaultDbPath;

    public string? PolicyPath { get; init; }

    /// <summary>The providers file naming the provider instances to poll; none are polled without it.</summary>
    public string? ProvidersPath { get; init; }

    /// <summary>True (default) to make every commit durable against power loss, not only a killed process.</summary>
    public bool SynchronousFull { get; init; } = true;

    private static readonly (string Option, string Variable, string Help)[] Known =
    [
        ("--port", "RATELORD_PORT", "HTTP port, 0 to pick a free one"),
        ("--bind", "RATELORD_BIND", "address to listen on"),
        ("--db", "RATELORD_DB_PATH", "SQLite event log file"),
        ("--policy", "RATELORD_POLICY_PATH", "policy file (YAML or JSON)"),
        ("--providers", "RATELORD_PROVIDERS_PATH", "provider pollers file (YAML or JSON)"),
        ("--sync", "RATELORD_SYNC", "full or normal"),
    ];

    /// <summary>The usage text, listing every option with its variable.</summary>
    public static string Usage =>
        "usage: ratelord-d [options]\n"
        + string.Join('\n', Known.Select(k => $"  {k.Option,-12} {k.Variable,-24} {k.Help}"));

    /// <summary>Reads the settings; throws <see cref="SettingsException"/> listing every bad value.</summary>
    public static DaemonSettings Load(string[] args, Func<string, string?> environment)
    {
        var errors = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, variable, _) in Known)
        {
            if (environment(variable) is { Length: > 0 } value)
            {
                values[variable] = value;
            }
        }

        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[..eq] : arg;
            var known = Known.FirstOrDefault(k => k.Option == name);
            if (known.Option is null)
            {
                errors.Add($"unknown option '{arg}'.\n{Usage}");
                continue;
            }

            string? value = eq > 0 ? arg[(eq + 1)..] : i + 1 < args.Length ? args[++i] : null;
            if (value is null)
            {
                errors.Add($"option {name} needs a value ({known.Help}).");
                continue;
            }

            values[known.Variable] = value;
        }

        var settings = new DaemonSettings();
        if (values.TryGetValue("RATELORD_PORT", out var port))
        {
            if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                && p is >= 0 and <= 65535)
            {
                settings = settings with { Port = p };
            }
            else
            {
                errors.Add($"port '{port}' is not a port number; give 0 to 65535 with --port or RATELORD_PORT.");
            }
        }

        if (values.TryGetValue("RATELORD_BIND", out var bind))
        {
            if (IPAddress.TryParse(bind, out _) || bind == "localhost")
            {
                settings = settings with { Bind = bind };
            }
            else
            {
                errors.Add(
                    $"bind address '{bind}' is not an IP address; give one such as 127.0.0.1 with --bind or "
                    + "RATELORD_BIND.");
            }
        }

        if (values.TryGetValue("RATELORD_DB_PATH", out var db))
        {
            if (Directory.Exists(db))
            {
                errors.Add($"database path '{db}' is a directory; give a file path with --db or RATELORD_DB_PATH.");
            }
            else
            {
                settings = settings with { DbPath = db };
            }
        }

        if (values.TryGetValue("RATELORD_POLICY_PATH", out var policy))
        {
            if (File.Exists(policy))
            {
                settings = settings with { PolicyPath = policy };
            }
            else
            {
                errors.Add(
                    $"policy file '{policy}' does not exist; fix --policy or RATELORD_POLICY_PATH, or leave it unset.");
            }
        }

        if (values.TryGetValue("RATELORD_PROVIDERS_PATH", out var providers))
        {
            if (File.Exists(providers))
            {
                settings = settings with { ProvidersPath = providers };
            }
            else
            {
                errors.Add(
                    $"providers file '{providers}' does not exist; fix --providers or RATELORD_PROVIDERS_PATH, "
                    + "or leave it unset.");
            }
        }

        if (values.TryGetValue("RATELORD_SYNC", out var sync))
        {
            if (sync is "full" or "normal")
            {
                settings = settings with { SynchronousFull = sync == "full" };
            }
            else
            {
                errors.Add($"sync mode '{sync}' is unknown; give full or normal with --sync or RATELORD_SYNC.");
            }
        }

        return errors.Count == 0 ? settings : throw new SettingsException(errors);
    }
}

/// <summary>The settings are wrong; every problem is listed.</summary>
public sealed class SettingsException(IReadOnlyList<string> errors)
    : Exception("ratelord-d cannot start:\n  - " + string.Join("\n  - ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
