using Ratelord.Core.Domain;
using Ratelord.Core.Engine;
using Ratelord.Core.Forecasting;
using Ratelord.Core.Projections;
using Ratelord.Host.Http;

namespace Ratelord.Host.Endpoints;

/// <summary>
/// <c>GET /v1/forecasts</c>: every pool's forecast by the decision model beside the second opinion, its
/// drift, each identity's share of its burn, and a forecast per scope. <c>?pool_id=</c> keeps one pool.
/// </summary>
public static class ForecastEndpoints
{
    public static void MapForecastEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/forecasts", ListAsync)
            .WithName("ListForecasts")
            .WithSummary("Every pool's forecast, with the identities' and scopes' shares of its burn.")
            .Produces<ForecastListResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> ListAsync(
        HttpRequest request,
        CommandWriter writer,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var wanted = request.Query["pool_id"].ToString();
        var model = writer.Options.ForecastModel;
        var response = await writer.ReadAsync(state => Build(state, now, model), cancellationToken);
        if (wanted.Length == 0)
        {
            return Results.Json(response, ApiJson.Responses);
        }

        var pools = response.Pools.Where(p => p.PoolId == wanted).ToList();
        if (pools.Count == 0)
        {
            throw new ApiProblemException(404, "pool_not_found", $"No pool '{wanted}' is known.", "pool_id");
        }

        var scopes = response.Scopes.Where(s => s.Pools.Any(p => p.PoolId == wanted)).ToList();

        return Results.Json(response with { Pools = pools, Scopes = scopes }, ApiJson.Responses);
    }

    private static ForecastListResponse Build(RatelordState state, DateTimeOffset now, IForecastModel model)
    {
        var decided = new Dictionary<PoolKey, PoolForecast>();
        foreach (var pool in state.Pools.All)
        {
            decided[pool.Key] = PoolForecaster.Forecast(pool, now, model);
        }

        var breakdowns = ForecastBreakdown.Of(state, now, decided.ToDictionary(p => p.Key, p => p.Value.BurnRate.Mean));
        var second = ForecastModels.SecondOpinion.Id == model.Id
            ? ForecastModels.Decision
            : ForecastModels.SecondOpinion;
        var pools = new List<PoolForecastResponse>();
        foreach (var pool in state.Pools.All)
        {
            var forecast = decided[pool.Key];
            var breakdown = breakdowns[pool.Key];
            pools.Add(new PoolForecastResponse(
                pool.Key.ToString(),
                pool.Key.Provider,
                pool.Key.Pool,
                pool.Key.Owner,
                WireNames.Of(forecast.Status),
                ForecastResponse.From(forecast),
                ForecastResponse.From(PoolForecaster.Forecast(pool, now, second)),
                DriftResponse.From(pool.Drift, pool.ProviderTime(now)),
                breakdown.Consumed,
                breakdown.OutsideShare,
                [.. breakdown.Identities.Select(i =>
                    new IdentityShareResponse(i.IdentityId, i.Share, i.BurnRate, i.Consumed, i.Reserved))]));
        }

        return new ForecastListResponse(now, model.Id, second.Id, pools, ScopesOf(breakdowns, decided));
    }

    /// <summary>
    /// A scope's forecast: the pools its intents drew on, its share of each, and the worst of their
    /// forecasts, since the scope runs out when its tightest pool does.
    /// </summary>
    private static List<ScopeForecastResponse> ScopesOf(
        IReadOnlyDictionary<PoolKey, PoolBreakdown> breakdowns,
        Dictionary<PoolKey, PoolForecast> forecasts)
    {
        var byScope = new SortedDictionary<string, List<ScopePoolResponse>>(StringComparer.Ordinal);
        foreach (var (key, breakdown) in breakdowns)
        {
            var forecast = forecasts[key];
            foreach (var scope in breakdown.Scopes)
            {
                if (!byScope.TryGetValue(scope.ScopeId, out var list))
                {
                    list = [];
                    byScope[scope.ScopeId] = list;
                }

                list.Add(new ScopePoolResponse(
                    key.ToString(),
                    scope.Share,
                    scope.BurnRate,
                    scope.Reserved,
                    WireNames.Of(forecast.Status),
                    forecast.PExhaustion,
                    forecast.Tte.P99Seconds));
            }
        }

        return [.. byScope.Select(pair =>
        {
            var pools = pair.Value.OrderBy(p => p.PoolId, StringComparer.Ordinal).ToList();
            var worst = pools.OrderByDescending(p => p.PExhaustion ?? -1).First();

            return new ScopeForecastResponse(
                pair.Key,
                worst.Status,
                worst.PExhaustion,
                pools.Where(p => p.TteP99S is not null).Select(p => p.TteP99S).Min(),
                worst.PoolId,
                pools);
        })];
    }
}

/// <summary>The answer of <c>GET /v1/forecasts</c>.</summary>
public sealed record ForecastListResponse(
    DateTimeOffset AsOf,
    string DecisionModel,
    string SecondOpinionModel,
    IReadOnlyList<PoolForecastResponse> Pools,
    IReadOnlyList<ScopeForecastResponse> Scopes);

/// <summary>One pool: the decision model's forecast, the second opinion, drift, and who burns it.</summary>
public sealed record PoolForecastResponse(
    string PoolId,
    string Provider,
    string Pool,
    string IdentityId,
    string Status,
    ForecastResponse Forecast,
    ForecastResponse SecondOpinion,
    DriftResponse Drift,
    double ConsumedRecently,
    double OutsideShare,
    IReadOnlyList<IdentityShareResponse> Identities);

/// <summary>Consumption the pool's readings showed beyond Ratelord's accounting.</summary>
public sealed record DriftResponse(long Count, double LastAmount, DateTimeOffset? LastAt, double Level)
{
    public static DriftResponse From(PoolDrift drift, DateTimeOffset providerNow)
    {
        ArgumentNullException.ThrowIfNull(drift);

        return new(drift.Count, drift.LastAmount, drift.LastAt, drift.LevelAt(providerNow));
    }
}

/// <summary>An identity's share of a pool's recent burn, and that share of its burn rate.</summary>
public sealed record IdentityShareResponse(
    string IdentityId,
    double Share,
    double BurnRate,
    double Consumed,
    double Reserved);

/// <summary>A scope's forecast: its tightest pool's, with its share of every pool it draws on.</summary>
public sealed record ScopeForecastResponse(
    string ScopeId,
    string Status,
    double? PExhaustion,
    double? TteP99S,
    string TightestPool,
    IReadOnlyList<ScopePoolResponse> Pools);

/// <summary>One pool a scope draws on.</summary>
public sealed record ScopePoolResponse(
    string PoolId,
    double Share,
    double BurnRate,
    double Reserved,
    string Status,
    double? PExhaustion,
    double? TteP99S);
