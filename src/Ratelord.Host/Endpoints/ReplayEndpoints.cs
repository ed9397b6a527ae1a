using System.Diagnostics;
using System.Text.Json;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// <c>POST /v1/replay/verify</c>: proves the projections are what the log says. The daemon replays its log into a
/// fresh state, up to the position of the live one, and compares the two pool by pool (limits, remaining,
/// reservations), intent by intent and identity by identity. Nothing is changed either way.
/// </summary>
public static class ReplayEndpoints
{
    /// <summary>The most differences one answer lists.</summary>
    public const int MaxDifferences = 50;

    private static readonly JsonSerializerOptions Json = new(EventSerializer.Options)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void MapReplayEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/replay/verify", VerifyAsync).WithName("VerifyReplay");

    private static async Task<IResult> VerifyAsync(CommandWriter writer, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (position, live) = await writer.ReadAsync(state => (state.Position, Snapshot(state)), cancellationToken);

        var rebuilt = new RatelordState();
        long replayed = 0;
        await foreach (var envelope in writer.Store.ReadAsync(0, null, cancellationToken))
        {
            if (envelope.Position > position)
            {
                break;
            }

            rebuilt.Apply(envelope);
            replayed++;
        }

        var fresh = Snapshot(rebuilt);
        var differences = live.Keys.Union(fresh.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Where(k => live.GetValueOrDefault(k) != fresh.GetValueOrDefault(k))
            .Select(k => new ReplayDifference(k, live.GetValueOrDefault(k), fresh.GetValueOrDefault(k)))
            .ToList();

        return Results.Json(
            new ReplayVerifyResponse(
                differences.Count == 0,
                position,
                replayed,
                live.Keys.Count(k => k.StartsWith("pool:", StringComparison.Ordinal)),
                live.Keys.Count(k => k.StartsWith("intent:", StringComparison.Ordinal)),
                live.Keys.Count(k => k.StartsWith("identity:", StringComparison.Ordinal)),
                differences.Count,
                [.. differences.Take(MaxDifferences)],
                Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 3)),
            ApiJson.Responses);
    }

    /// <summary>
    /// Each pool, intent and identity as one deterministic JSON text, keyed by what it is. Collections are written
    /// in a fixed order, so equal states give equal texts.
    /// </summary>
    private static Dictionary<string, string> Snapshot(RatelordState state)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pool in state.Pools.All)
        {
            entries["pool:" + pool.Key] = JsonSerializer.Serialize(
                new
                {
                    pool.Limit,
                    pool.Remaining,
                    pool.Used,
                    pool.ResetAt,
                    pool.WindowSeconds,
                    pool.ThrottledUntil,
                    pool.LastObservedAt,
                    pool.Observations,
                    pool.Reserved,
                    Reservations = pool.Reservations
                        .OrderBy(r => r.Key)
                        .Select(r => new
                        {
                            IntentId = r.Key,
                            r.Value.Amount,
                            r.Value.EffectiveFrom,
                            r.Value.ScalesWithCost,
                        }),
                    pool.Refill,
                    pool.LearnedWindowSeconds,
                    pool.PendingAmount,
                    Samples = pool.Samples.Count,
                    pool.LastForecast,
                },
                Json);
        }

        foreach (var intent in state.Intents.All)
        {
            entries["intent:" + intent.IntentId] = JsonSerializer.Serialize(
                new
                {
                    intent.Dimensions,
                    intent.Submitted,
                    intent.SubmittedAt,
                    intent.Decision,
                    intent.DecidedAt,
                    intent.Settlement,
                    intent.SettledAt,
                },
                Json);
        }

        foreach (var identity in state.Identities.All)
        {
            entries["identity:" + identity.IdentityId] = JsonSerializer.Serialize(
                new
                {
                    identity.Kind,
                    identity.Provider,
                    identity.SharedPools,
                    Metadata = identity.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal),
                    identity.RegisteredAt,
                },
                Json);
        }

        return entries;
    }
}

/// <summary>The answer of <c>POST /v1/replay/verify</c>.</summary>
/// <param name="Equal">True when the rebuilt projections match the live ones exactly.</param>
/// <param name="Position">The log position both were compared at.</param>
/// <param name="EventsReplayed">Events read from the log to rebuild.</param>
/// <param name="DifferenceCount">How many entries differ; at most the first 50 are listed.</param>
public sealed record ReplayVerifyResponse(
    bool Equal,
    long Position,
    long EventsReplayed,
    int Pools,
    int Intents,
    int Identities,
    int DifferenceCount,
    IReadOnlyList<ReplayDifference> Differences,
    double DurationS);

/// <summary>
/// One entry that differs: its key (<c>pool:...</c>, <c>intent:...</c>, <c>identity:...</c>) and both texts.
/// </summary>
/// <param name="Live">The live projection's entry as JSON; null when only the rebuilt state has it.</param>
/// <param name="Rebuilt">The rebuilt entry as JSON; null when only the live state has it.</param>
public sealed record ReplayDifference(string Key, string? Live, string? Rebuilt);
