using System.Reflection;
using Ratelord.Cli.Commands;
using Ratelord.Cli.Mcp;
using Ratelord.Cli.Output;
using Ratelord.Cli.Top;
using Ratelord.Sdk;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ratelord.Cli;

/// <summary>
/// The <c>ratelord</c> command: a read-only window on the daemon for operators and scripts, built on the SDK.
/// Exit codes: 0 done; 1 the daemon refused or a check failed; 2 the command line is wrong; 3 the daemon cannot
/// be reached.
/// </summary>
internal static class Program
{
    public static string Version { get; } =
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";

    public static async Task<int> Main(string[] args)
    {
        Terminal.Configure();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Ctrl+C ends a followed stream or the live screen cleanly, rather than killing the process mid-line.
            e.Cancel = true;
            stop.Cancel();
        };

        var app = new CommandApp();
        app.Configure(Configure);

        return await app.RunAsync(GlobalOptionsLast(args), stop.Token);
    }

    /// <summary>
    /// Lets <c>--url</c> and <c>--json</c> come before the command too (<c>ratelord --url X pools</c>), as people
    /// type them: they are moved behind it, where the command's settings read them.
    /// </summary>
    internal static string[] GlobalOptionsLast(string[] args)
    {
        var leading = new List<string>();
        var i = 0;
        while (i < args.Length && args[i].StartsWith("--", StringComparison.Ordinal))
        {
            var option = args[i];
            if (option == "--json" || option.StartsWith("--url=", StringComparison.Ordinal))
            {
                leading.Add(option);
                i++;
            }
            else if (option == "--url" && i + 1 < args.Length)
            {
                leading.Add(option);
                leading.Add(args[i + 1]);
                i += 2;
            }
            else
            {
                break;
            }
        }

        return leading.Count == 0 || i == args.Length ? args : [.. args[i..], .. leading];
    }

    private static void Configure(IConfigurator config)
    {
        config.SetApplicationName("ratelord");
        config.SetApplicationVersion(Version);
        config.SetExceptionHandler((exception, _) => Fail(exception));

        // A misspelt option (--jsn) must not run the command as if it were absent.
        config.UseStrictParsing();

        config.AddCommand<StatusCommand>("status")
            .WithDescription("Is the daemon healthy: state, version, uptime, overall risk, decisions, latency, log.")
            .WithExample("status", "--url", "http://127.0.0.1:8090");
        config.AddCommand<PoolsCommand>("pools")
            .WithDescription(
                "Every pool: remaining and limit, reserved, burn rate, P99 time to exhaustion, reset, status.");
        config.AddCommand<ForecastsCommand>("forecasts")
            .WithDescription(
                "Each pool's forecast: burn rate, TTE at P50/P90/P99, time to reset, P(exhaustion), margin.");
        config.AddCommand<EventsCommand>("events")
            .WithDescription("The event log: the latest events, from a position, or live with --follow.")
            .WithExample("events", "--type", "intent_decided", "--follow");
        config.AddCommand<IntentCommand>("intent")
            .WithDescription("Submit a test intent; print the decision and the trace of its evaluation.")
            .WithExample("intent", "--identity", "pat:ci-bot", "--workload", "repo_scan", "--cost", "5");
        config.AddBranch("identity", identity =>
        {
            identity.SetDescription("Register, list and remove identities (credentials, by reference).");
            identity.AddCommand<IdentityAddCommand>("add")
                .WithDescription("Register an identity.")
                .WithExample("identity", "add", "pat:ci-bot", "--kind", "pat", "--provider", "github");
            identity.AddCommand<IdentityListCommand>("list").WithDescription("List the registered identities.");
            identity.AddCommand<IdentityRemoveCommand>("rm").WithDescription("Delete an identity.");
        });
        config.AddBranch("policy", policy =>
        {
            policy.SetDescription("The policy in force: show it, check a file, reload it.");
            policy.AddCommand<PolicyShowCommand>("show")
                .WithDescription("Show the policy in force and its last reload.");
            policy.AddCommand<PolicyValidateCommand>("validate")
                .WithDescription("Have the daemon check a policy file without applying it.");
            policy.AddCommand<PolicyReloadCommand>("reload")
                .WithDescription("Have the daemon reload its policy file now.");
        });
        config.AddCommand<ReplayCommand>("replay")
            .WithDescription(
                "With --verify: rebuild the projections from the log and compare them with the live ones.");
        config.AddCommand<ReportCommand>("report")
            .WithDescription("CSV of usage or of decisions over a time range, from the event log.")
            .WithExample("report", "--kind", "decisions", "--from", "24h", "-o", "decisions.csv");
        config.AddCommand<McpCommand>("mcp")
            .WithDescription("Serve the Model Context Protocol over stdio: ask_intent, check_pools, explain_decision.");
        config.AddCommand<TopCommand>("top")
            .WithDescription("A live terminal view: pools with status colours, decisions as they happen, vital signs.");
    }

    /// <summary>Every failure ends here: one line on standard error, and the exit code that says which kind.</summary>
    private static int Fail(Exception exception)
    {
        var (code, reason) = exception switch
        {
            CliFailure failure => (failure.ExitCode, failure.Message),

            // A number option's own reading failed (see NumberOption): its reason names the option, Spectre's does not.
            CommandAppException { InnerException: CliFailure failure } => (failure.ExitCode, failure.Message),
            CommandParseException parse when UnknownOption(parse.Message) is { } option =>
                (CliFailure.Usage, $"unknown option '{option}'; --help lists the options this command takes."),
            RatelordUnavailableException unavailable => (CliFailure.Unreachable, Unreachable(unavailable.Message)),
            RatelordRequestException refused => (CliFailure.Failed, Refused(refused)),
            CommandAppException usage => (CliFailure.Usage, usage.Message),
            OperationCanceledException => (CliFailure.Failed, "cancelled."),
            _ => (CliFailure.Failed, $"unexpected error: {exception.Message}"),
        };
        Console.Error.WriteLine("ratelord: " + OneLine(reason));

        return code;
    }

    /// <summary>
    /// The option as it was typed, from Spectre's "Unknown option 'jsn'.", which drops the dashes; null for any other
    /// message, which is then shown as Spectre wrote it.
    /// </summary>
    private static string? UnknownOption(string message)
    {
        const string Prefix = "Unknown option '";
        if (!message.StartsWith(Prefix, StringComparison.Ordinal) || !message.EndsWith("'.", StringComparison.Ordinal))
        {
            return null;
        }

        var name = message[Prefix.Length..^2];

        // Spectre's short options are one letter; long ones are longer.
        return name.Length == 1 ? "-" + name : "--" + name;
    }

    // The SDK's message speaks to a program's author; the operator needs the address and the cause.
    private static string Unreachable(string message)
    {
        var advice = message.IndexOf(" Check that", StringComparison.Ordinal);

        return (advice > 0 ? message[..advice] : message)
            + " Is ratelord-d running there? Point --url (or RATELORD_URL) at it.";
    }

    private static string Refused(RatelordRequestException refused)
    {
        // A field's message that only repeats the detail adds nothing to the line.
        var errors = refused.Errors
            .Select(e => (e.Key, Text: string.Join(" ", e.Value)))
            .Where(e => e.Text != refused.Detail)
            .ToList();
        var fields = errors.Count == 0 ? "" : " (" + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Text}")) + ")";

        return $"the daemon refused ({refused.Status}{(refused.Code is null ? "" : " " + refused.Code)}): "
            + $"{refused.Detail ?? refused.Title ?? "no detail given"}{fields}";
    }

    private static string OneLine(string text) => string.Join(
        ' ',
        text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim()));
}
