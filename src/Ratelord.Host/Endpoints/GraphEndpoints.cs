using Ratelord.Core.Engine;
using Ratelord.Host.Dashboard;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// <c>GET /v1/graph</c>: the constraint graph as the log shows it: scopes contain agents, agents act as identities,
/// identities draw from pools (their own, or pools they were registered to share), pools belong to providers.
/// Each edge counts the intents that went along it.
/// </summary>
public static class GraphEndpoints
{
    public static void MapGraphEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/graph", GetAsync).WithName("ConstraintGraph");

    private static async Task<IResult> GetAsync(
        LogViews views,
        CommandWriter writer,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var model = writer.Options.ForecastModel;
        var graph = await views.ReadAsync(
            snapshot =>
            {
                var state = snapshot.State;
                var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
                var edges = new List<GraphEdge>();

                void AddNode(string id, string? status = null)
                {
                    if (!nodes.ContainsKey(id))
                    {
                        var colon = id.IndexOf(':', StringComparison.Ordinal);
                        nodes[id] = new GraphNode(id, id[..colon], id[(colon + 1)..], status);
                    }
                }

                bool Deleted(string id) =>
                    id.StartsWith("identity:", StringComparison.Ordinal)
                    && state.Identities.WasDeleted(id["identity:".Length..]);

                foreach (var pool in state.Pools.All)
                {
                    var status = PoolResponse.From(pool, now, model).WithProviderFreshness(pool, state, now).Status;
                    AddNode(Node.Pool(pool.Key), status);
                    AddNode(Node.Provider(pool.Key.Provider));
                    edges.Add(new GraphEdge(
                        Node.Pool(pool.Key),
                        Node.Provider(pool.Key.Provider),
                        "belongs_to",
                        0,
                        null));
                }

                foreach (var identity in state.Identities.All)
                {
                    AddNode(Node.Identity(identity.IdentityId));
                }

                foreach (var ((from, to), count) in snapshot.Edges.OrderBy(e => e.Key.From, StringComparer.Ordinal)
                    .ThenBy(e => e.Key.To, StringComparer.Ordinal))
                {
                    if (Deleted(from) || Deleted(to))
                    {
                        continue;
                    }

                    AddNode(from);
                    AddNode(to);
                    edges.Add(new GraphEdge(from, to, RelationOf(from), count.Count, count.LastAt));
                }

                return new GraphResponse(
                    now,
                    snapshot.Position,
                    [.. nodes.Values.OrderBy(n => n.Id, StringComparer.Ordinal)],
                    edges);
            },
            cancellationToken);

        return Results.Json(graph, ApiJson.Responses);
    }

    private static string RelationOf(string from) => from[..from.IndexOf(':', StringComparison.Ordinal)] switch
    {
        "scope" => "contains",
        "agent" => "acts_as",
        "identity" => "draws_from",
        _ => "belongs_to",
    };
}

/// <summary>The answer of <c>GET /v1/graph</c>.</summary>
/// <param name="Position">The log position the graph was built to.</param>
public sealed record GraphResponse(
    DateTimeOffset AsOf,
    long Position,
    IReadOnlyList<GraphNode> Nodes,
    IReadOnlyList<GraphEdge> Edges);

/// <summary>A node: its id (<c>kind:name</c>), its kind (scope, agent, identity, pool, provider) and name.</summary>
/// <param name="Status">For a pool, its status (ok, warn, critical, unknown); null for the other kinds.</param>
public sealed record GraphNode(string Id, string Kind, string Label, string? Status);

/// <summary>
/// An edge: <paramref name="From"/> draws from, acts as, contains or belongs to <paramref name="To"/>.
/// </summary>
/// <param name="Relation">contains, acts_as, draws_from or belongs_to.</param>
/// <param name="Intents">How many intents went along it (0 for a declared share that none used yet).</param>
/// <param name="LastAt">When the last of them did.</param>
public sealed record GraphEdge(string From, string To, string Relation, long Intents, DateTimeOffset? LastAt);
