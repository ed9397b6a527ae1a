using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Ratelord.Core.Engine;
using Ratelord.Core.Policies;
using Ratelord.Host.Http;
using Ratelord.Host.Policies;

namespace Ratelord.Host.Endpoints;

/// <summary>The policy in force, its last reload, an explicit reload, and validation of a policy text.</summary>
public static class PolicyEndpoints
{
    public static void MapPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/policy", Get).WithName("GetPolicy");
        app.MapPost("/v1/policy/reload", ReloadAsync).WithName("ReloadPolicy");
        app.MapPost("/v1/policy/validate", ValidateAsync).WithName("ValidatePolicy");
    }

    private static IResult Get(CommandWriter writer, PolicyWatcher watcher) =>
        Results.Json(PolicyResponse.From(writer.Options.Policy, watcher.LastLoad), ApiJson.Responses);

    private static async Task<IResult> ReloadAsync(
        PolicyWatcher watcher,
        CommandWriter writer,
        CancellationToken cancellationToken)
    {
        PolicyLoadStatus status;
        try
        {
            status = await watcher.ReloadAsync("api", cancellationToken);
        }
        catch (InvalidOperationException exception)
        {
            throw new ApiProblemException(409, "no_policy_file", exception.Message);
        }

        var answer = PolicyResponse.From(writer.Options.Policy, status);
        if (status.Accepted)
        {
            return Results.Json(answer, ApiJson.Responses);
        }

        // A refused file is an error like any other (problem details, a code, the errors keyed by the field at
        // fault), and it still carries the policy in force and the last reload, as a successful reload does.
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "Unprocessable content",
            Detail = $"The policy file was refused ({status.Errors.Count} error(s)); the policy in force is unchanged.",
            Type = "https://ratelord.dev/problems/policy_rejected",
        };
        problem.Extensions["code"] = "policy_rejected";
        problem.Extensions["errors"] = new Dictionary<string, IReadOnlyList<string>> { ["policy"] = status.Errors };
        foreach (var member in JsonSerializer.SerializeToElement(answer, ApiJson.Responses).EnumerateObject())
        {
            problem.Extensions[member.Name] = member.Value;
        }

        return Results.Problem(problem);
    }

    private static async Task<IResult> ValidateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync<ValidateRequest>(request, ApiJson.Requests, cancellationToken);
        if (body.Text is null)
        {
            throw new ApiProblemException(
                400,
                "validation_failed",
                "'text' is required: the policy file's content.",
                "text");
        }

        var source = body.Source ?? "policy";
        try
        {
            var policy = PolicyParser.Parse(body.Text, source);

            return Results.Json(new ValidateResponse(true, policy.Version, []), ApiJson.Responses);
        }
        catch (PolicyException exception)
        {
            return Results.Json(
                new ValidateResponse(false, PolicyParser.VersionOf(body.Text), exception.Errors),
                ApiJson.Responses);
        }
    }
}

public sealed record ValidateRequest(string? Source, string? Text);

public sealed record ValidateResponse(bool Valid, string Version, IReadOnlyList<string> Errors);

public sealed record PolicyResponse(
    string Version,
    string Source,
    IReadOnlyList<PolicyDto> Policies,
    IReadOnlyList<WorkloadDto> Workloads,
    IReadOnlyList<BudgetDto> Budgets,
    PolicyDefaults Defaults,
    ReloadDto? LastReload)
{
    public static PolicyResponse From(PolicySet policy, PolicyLoadStatus? last) => new(
        policy.Version,
        policy.Source,
        [.. policy.Policies.Select(p => new PolicyDto(
            p.Id,
            p.Level.ToString().ToLowerInvariant(),
            p.Selector,
            [.. p.Rules.Select(r => new RuleDto(
                r.Name,
                r.Condition.Text,
                r.Action.ToString().ToLowerInvariant(),
                r.Reason))]))],
        [.. policy.Workloads.Workloads.OrderBy(w => w.Id, StringComparer.Ordinal).Select(w => new WorkloadDto(
            w.Id,
            [.. w.Pools.Select(p => new WorkloadPoolDto(
                p.Provider,
                p.Pool,
                p.Cost is { } c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "expected"))]))],
            [.. policy.Budgets.Select(b => new BudgetDto(
                b.Id,
                b.Scope,
                b.LimitUsd,
                b.Window.ToString().ToLowerInvariant(),
                b.TimeZone))],
        policy.Defaults,
        last is null ? null : new ReloadDto(last.At, last.Source, last.Version, last.Accepted, last.Errors));
}

public sealed record PolicyDto(string Id, string Level, string Selector, IReadOnlyList<RuleDto> Rules);

public sealed record RuleDto(string Name, string Condition, string Action, string? Reason);

public sealed record WorkloadDto(string Id, IReadOnlyList<WorkloadPoolDto> Pools);

public sealed record WorkloadPoolDto(string Provider, string Pool, string Cost);

public sealed record BudgetDto(string Id, string Scope, double LimitUsd, string Window, string Timezone);

public sealed record ReloadDto(
    DateTimeOffset At,
    string Source,
    string Version,
    bool Accepted,
    IReadOnlyList<string> Errors);
