using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Ratelord.Cli.Commands;
using Spectre.Console.Cli;

namespace Ratelord.Cli.Mcp;

/// <summary>
/// <c>ratelord mcp</c>: a Model Context Protocol server over standard input and output, so an LLM agent can plan
/// around its limits: tools <c>ask_intent</c>, <c>check_pools</c> and <c>explain_decision</c>; resources for the
/// recent events, the pools and the active policy.
/// </summary>
internal sealed class McpCommand : AsyncCommand<GlobalSettings>
{
    public const string EventsUri = "ratelord://events/recent";
    public const string PoolsUri = "ratelord://pools";
    public const string PolicyUri = "ratelord://policy";

    public override async Task<int> ExecuteAsync(
        CommandContext context,
        GlobalSettings settings,
        CancellationToken cancellationToken)
    {
        var tools = new RatelordTools(Daemon.Connect(settings));
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "ratelord", Version = Program.Version },
            ServerInstructions =
                "Ratelord guards shared rate limits and quotas. Before any call that spends them, call ask_intent and "
                + "obey the decision: wait when told, do not act on a denial before retry_after_s. Use check_pools "
                + "to plan, and explain_decision to understand a refusal.",
            ToolCollection =
            [
                McpServerTool.Create(tools.AskIntentAsync, new McpServerToolCreateOptions { Name = "ask_intent" }),
                McpServerTool.Create(
                    tools.CheckPoolsAsync,
                    new McpServerToolCreateOptions { Name = "check_pools", ReadOnly = true }),
                McpServerTool.Create(
                    tools.ExplainDecisionAsync,
                    new McpServerToolCreateOptions { Name = "explain_decision", ReadOnly = true }),
            ],
            ResourceCollection =
            [
                McpServerResource.Create(tools.RecentEventsAsync, new McpServerResourceCreateOptions
                {
                    UriTemplate = EventsUri,
                    Name = "recent_events",
                    Description =
                        "The last 50 events of the daemon's log: intents, decisions, observations, policy changes.",
                    MimeType = "application/json",
                }),
                McpServerResource.Create(tools.PoolsAsync, new McpServerResourceCreateOptions
                {
                    UriTemplate = PoolsUri,
                    Name = "pools",
                    Description = "Every pool's posture and forecast, as GET /v1/pools reports it.",
                    MimeType = "application/json",
                }),
                McpServerResource.Create(tools.PolicyAsync, new McpServerResourceCreateOptions
                {
                    UriTemplate = PolicyUri,
                    Name = "policy",
                    Description = "The active policy: its version, rules, workloads, budgets and last reload.",
                    MimeType = "application/json",
                }),
            ],
        };

        // Standard output carries the protocol alone; every diagnostic goes to standard error.
        await using var transport = new StdioServerTransport(options);
        await using var server = McpServer.Create(transport, options);
        try
        {
            await server.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or the client closed the pipe: a normal end.
        }

        return 0;
    }
}
