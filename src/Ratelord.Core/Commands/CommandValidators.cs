using FluentValidation;
using Ratelord.Core.Events;

namespace Ratelord.Core.Commands;

/// <summary>Shared rules for the names that identify agents, identities, workloads and scopes.</summary>
internal static class NameRules
{
    public const int MaxLength = 200;

    public static IRuleBuilderOptions<T, string> IsName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().WithMessage("'{PropertyName}' is required.")
            .MaximumLength(MaxLength)
            .Must(name => name is null || !name.Any(char.IsControl))
            .WithMessage("'{PropertyName}' must not contain control characters.");

    public static IRuleBuilderOptions<T, double?> IsAmount<T>(this IRuleBuilder<T, double?> rule) =>
        rule.Must(value => value is null || (double.IsFinite(value.Value) && value.Value >= 0))
            .WithMessage("'{PropertyName}' must be a finite number of at least 0.");
}

public sealed class SubmitIntentValidator : AbstractValidator<SubmitIntent>
{
    /// <summary>The longest duration hint or wait an intent may name: a week, in seconds.</summary>
    public const double MaxSeconds = 7 * 24 * 3600;

    public SubmitIntentValidator()
    {
        RuleFor(c => c.AgentId).IsName();
        RuleFor(c => c.IdentityId).IsName();
        RuleFor(c => c.WorkloadId).IsName();
        RuleFor(c => c.ScopeId).IsName();
        RuleFor(c => c.Urgency).IsInEnum();
        RuleFor(c => c.ExpectedCost).IsAmount();
        // The request names it duration_hint; a week bounds both, far beyond any call or wait worth planning.
        RuleFor(c => c.DurationHintSeconds).IsAmount()
            .LessThanOrEqualTo(MaxSeconds).WithMessage("'{PropertyName}' must be at most a week (604800 s).")
            .OverridePropertyName("DurationHint");
        RuleFor(c => c.MaxWaitSeconds).IsAmount()
            .LessThanOrEqualTo(MaxSeconds).WithMessage("'{PropertyName}' must be at most a week (604800 s).");
    }
}

public sealed class ReportOutcomeValidator : AbstractValidator<ReportOutcome>
{
    public ReportOutcomeValidator()
    {
        RuleFor(c => c.IntentId).NotEmpty();
        RuleFor(c => c.Outcome)
            .Must(o => o is SettlementOutcomes.Completed or SettlementOutcomes.Failed or SettlementOutcomes.Cancelled)
            .WithMessage("'{PropertyName}' must be one of completed, failed, cancelled.");
        RuleFor(c => c.ActualCost).IsAmount();
        RuleFor(c => c.Response!.Status).InclusiveBetween(100, 599).When(c => c.Response is not null)
            .OverridePropertyName("response.status");
    }
}

public sealed class RecordObservationValidator : AbstractValidator<RecordObservation>
{
    public RecordObservationValidator()
    {
        RuleFor(c => c.IdentityId).IsName();
        RuleFor(c => c.Family).NotEmpty().OverridePropertyName("provider");
        RuleFor(c => c.Response.Status).InclusiveBetween(100, 599).OverridePropertyName("status");
        RuleFor(c => c.Response.Headers.Count).LessThanOrEqualTo(200).OverridePropertyName("headers")
            .WithMessage("A response carries at most 200 header lines.");
    }
}

public sealed class RegisterIdentityValidator : AbstractValidator<RegisterIdentity>
{
    public RegisterIdentityValidator()
    {
        RuleFor(c => c.IdentityId).IsName();
        RuleFor(c => c.Kind).IsName();
        RuleFor(c => c.Provider).IsName();
        RuleForEach(c => c.SharedPools).ChildRules(pool =>
        {
            pool.RuleFor(p => p.Pool).IsName();
            pool.RuleFor(p => p.SharedKey).IsName();
        }).OverridePropertyName("pools");
        RuleFor(c => c.Metadata.Count).LessThanOrEqualTo(50).OverridePropertyName("metadata");
    }
}

public sealed class DeleteIdentityValidator : AbstractValidator<DeleteIdentity>
{
    public DeleteIdentityValidator()
    {
        RuleFor(c => c.IdentityId).IsName();
    }
}
