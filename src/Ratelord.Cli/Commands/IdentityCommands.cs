using System.ComponentModel;
using Ratelord.Cli.Output;
using Ratelord.Sdk;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Commands;

/// <summary><c>ratelord identity add ID --kind K --provider P</c>: registers a credential by reference.</summary>
internal sealed class IdentityAddCommand : AsyncCommand<IdentityAddCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("The identity's id, such as pat:ci-bot. Never the secret itself.")]
        public string IdentityId { get; init; } = "";

        [CommandOption("--kind <KIND>")]
        [Description("What kind of credential: pat, app, api_key, ... Required.")]
        public string? Kind { get; init; }

        [CommandOption("--provider <PROVIDER>")]
        [Description("The provider it is a credential for: github, openai, anthropic, ... Required.")]
        public string? Provider { get; init; }

        [CommandOption("--share <POOL=KEY>")]
        [Description("A pool this identity shares with others under a shared key, such as core=org:acme. Repeatable.")]
        public string[] Shares { get; init; } = [];

        [CommandOption("--meta <KEY=VALUE>")]
        [Description("A label to record with the identity. Repeatable.")]
        public string[] Metadata { get; init; } = [];

        public override ValidationResult Validate()
        {
            var missing = new[] { ("--kind", Kind), ("--provider", Provider) }
                .Where(o => string.IsNullOrWhiteSpace(o.Item2))
                .Select(o => o.Item1)
                .ToList();
            if (missing.Count > 0)
            {
                return ValidationResult.Error($"{string.Join(" and ", missing)} required, for example: "
                    + "ratelord identity add pat:ci-bot --kind pat --provider github");
            }

            var bad = Shares.Concat(Metadata).FirstOrDefault(p => p.IndexOf('=', StringComparison.Ordinal) is <= 0);

            return bad is null
                ? base.Validate()
                : ValidationResult.Error($"'{bad}' must be NAME=VALUE, such as core=org:acme.");
        }
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken)
    {
        static (string, string) Split(string pair) => (
            pair[..pair.IndexOf('=', StringComparison.Ordinal)],
            pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);

        var registration = new IdentityRegistration(settings.IdentityId, settings.Kind!, settings.Provider!)
        {
            Pools = [.. settings.Shares.Select(Split).Select(s => new IdentityPool(s.Item1, s.Item2))],
            Metadata = settings.Metadata.Length == 0
                ? null
                : settings.Metadata.Select(Split).ToDictionary(m => m.Item1, m => m.Item2, StringComparer.Ordinal),
        };
        var registered = await Daemon.Connect(settings).RegisterIdentityAsync(registration, cancellationToken);
        if (!registered)
        {
            throw new CliFailure(
                CliFailure.Failed,
                $"identity '{settings.IdentityId}' is already registered; remove it first with ratelord identity rm.");
        }

        if (settings.Json)
        {
            Terminal.WriteJson(Terminal.Build(json =>
            {
                json.WriteStartObject();
                json.WriteString("identity_id", settings.IdentityId);
                json.WriteBoolean("registered", true);
                json.WriteEndObject();
            }));
        }
        else
        {
            AnsiConsole.MarkupLine($"[green]registered[/] {Format.Escape(settings.IdentityId)} "
                + $"({Format.Escape(settings.Kind)}, {Format.Escape(settings.Provider)})");
        }

        return 0;
    }
}

/// <summary><c>ratelord identity list</c>: the registered identities.</summary>
internal sealed class IdentityListCommand : AsyncCommand<GlobalSettings>
{
    public override async Task<int> ExecuteAsync(
        CommandContext context,
        GlobalSettings settings,
        CancellationToken cancellationToken)
    {
        var answer = await Daemon.Connect(settings).ListIdentitiesAsync(cancellationToken);
        if (settings.Json)
        {
            Terminal.WriteJson(answer);

            return 0;
        }

        var identities = answer.Items("identities").ToList();
        if (identities.Count == 0)
        {
            AnsiConsole.MarkupLine("[grey]No identity is registered.[/]");

            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "Identity", "Kind", "Provider", "Shared pools", "Registered" })
        {
            table.AddColumn(column);
        }

        foreach (var identity in identities)
        {
            table.AddRow(
                Format.Escape(identity.Str("identity_id")),
                Format.Escape(identity.Str("kind")),
                Format.Escape(identity.Str("provider")),
                Format.Escape(string.Join(
                    ", ",
                    identity.Items("pools").Select(p => $"{p.Str("pool")}={p.Str("shared_key")}"))),
                Format.Escape(identity.Str("registered_at")));
        }

        AnsiConsole.Write(table);

        return 0;
    }
}

/// <summary><c>ratelord identity rm ID</c>: deletes an identity; intents for it are refused from then on.</summary>
internal sealed class IdentityRemoveCommand : AsyncCommand<IdentityRemoveCommand.Settings>
{
    internal sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("The identity to delete.")]
        public string IdentityId { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        Settings settings,
        CancellationToken cancellationToken)
    {
        await Daemon.Connect(settings).DeleteIdentityAsync(settings.IdentityId, cancellationToken);
        if (settings.Json)
        {
            Terminal.WriteJson(Terminal.Build(json =>
            {
                json.WriteStartObject();
                json.WriteString("identity_id", settings.IdentityId);
                json.WriteBoolean("deleted", true);
                json.WriteEndObject();
            }));
        }
        else
        {
            AnsiConsole.MarkupLine($"[yellow]deleted[/] {Format.Escape(settings.IdentityId)}");
        }

        return 0;
    }
}
