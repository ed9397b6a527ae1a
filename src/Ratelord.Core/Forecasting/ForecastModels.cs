namespace Ratelord.Core.Forecasting;

/// <summary>The forecast models Ratelord ships, and the part each plays.</summary>
public static class ForecastModels
{
    /// <summary>The model decisions, statuses and <c>forecast_computed</c> events are made with.</summary>
    public static IForecastModel Decision { get; } = new WindowRateModel();

    /// <summary>The model shown beside it in <c>GET /v1/forecasts</c>, so a disagreement is visible.</summary>
    public static IForecastModel SecondOpinion { get; } = new TrendRegressionModel();

    /// <summary>Every shipped model, the decision model first.</summary>
    public static IReadOnlyList<IForecastModel> All { get; } = [Decision, SecondOpinion];
}
