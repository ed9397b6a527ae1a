using FluentValidation;
using Ratelord.Core.Events;
using Ratelord.Core.Providers;

namespace Ratelord.Core.Commands;

/// <summary>Checks a provider instance's configuration before it is recorded.</summary>
public sealed class ConfigureProviderValidator : AbstractValidator<ConfigureProvider>
{
    /// <summary>The kinds of poller the daemon runs.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["github", "openai", "anthropic", "generic"];

    /// <summary>Builds the rules.</summary>
    public ConfigureProviderValidator()
    {
        RuleFor(c => c.ProviderId).IsName();
        RuleFor(c => c.IdentityId).IsName();
        RuleFor(c => c.Endpoint).NotEmpty();
        RuleFor(c => c.Kind).Must(Kinds.Contains)
            .WithMessage($"'{{PropertyName}}' must be one of {string.Join(", ", Kinds)}.");
        RuleFor(c => c.Family).Must(f => f == ProviderReader.Auto || ProviderReader.IsKnownFamily(f))
            .WithMessage($"'{{PropertyName}}' must be auto or one of {string.Join(", ", ProviderReader.Families)}.");
        RuleFor(c => c.IntervalSeconds).Must(IsPositive).WithMessage("'{PropertyName}' must be above 0.");
        RuleFor(c => c.MaxBackoffSeconds).Must(IsPositive).WithMessage("'{PropertyName}' must be above 0.");
        RuleFor(c => c.StaleAfterSeconds).Must(IsPositive).WithMessage("'{PropertyName}' must be above 0.");
        RuleFor(c => c.UnknownAfterSeconds).Must(IsPositive)
            .GreaterThanOrEqualTo(c => c.StaleAfterSeconds)
            .WithMessage("'{PropertyName}' must be above 0 and at least stale_after.");
        RuleFor(c => c.CredentialEnv!).IsName().When(c => c.CredentialEnv is not null);
    }

    private static bool IsPositive(double value) => double.IsFinite(value) && value > 0;
}

/// <summary>Checks the outcome of a poll before it is decided.</summary>
public sealed class RecordProviderPollValidator : AbstractValidator<RecordProviderPoll>
{
    /// <summary>Builds the rules.</summary>
    public RecordProviderPollValidator()
    {
        RuleFor(c => c.ProviderId).IsName();
        RuleFor(c => c.DurationSeconds).Must(d => double.IsFinite(d) && d >= 0)
            .WithMessage("'{PropertyName}' must be a finite number of at least 0.");
        RuleFor(c => c.Jitter).InclusiveBetween(0, 1);
        RuleFor(c => c.FailureKind).Must(ProviderErrorKinds.IsWithoutAnswer).When(c => c.Response is null)
            .WithMessage("A poll without an answer must say why: timeout, unreachable or auth.");
        RuleFor(c => c.Response!.Status).InclusiveBetween(100, 599).When(c => c.Response is not null)
            .OverridePropertyName("response.status");
        RuleFor(c => c.Response!.Headers.Count).LessThanOrEqualTo(200).When(c => c.Response is not null)
            .OverridePropertyName("response.headers")
            .WithMessage("A response carries at most 200 header lines.");
    }
}
