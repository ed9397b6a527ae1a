using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Ratelord.Core.Commands;
using Ratelord.Host.Logging;

namespace Ratelord.Host.Http;

/// <summary>
/// The one place where failures become HTTP answers: RFC 9457 problem details with a
/// machine-readable <c>code</c> and, where a field is at fault, <c>errors</c> keyed by its name.
/// </summary>
public sealed class ProblemMapper(IProblemDetailsService problems, ILogger<ProblemMapper> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext,
        Exception exception,
        CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception);
        if (problem.Status >= 500)
        {
            HostLog.UnhandledRequestFailure(logger, httpContext.Request.Path, exception);
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        }).ConfigureAwait(false);
    }

    public static ProblemDetails ToProblem(Exception exception) => exception switch
    {
        ValidationException validation => Validation(validation),
        ApiProblemException api => Problem(api.Status, api.Code, api.Message, api.Field),
        CommandRejectedException rejected => Problem(rejected.Status, rejected.Code, rejected.Message, rejected.Field),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problem(
            413, "body_too_large", $"The request body is larger than {RequestLimits.MaxBodyBytes} bytes."),
        BadHttpRequestException bad => Problem(bad.StatusCode, "bad_request", bad.Message),
        _ => Problem(500, "internal_error", "The daemon failed to handle the request; nothing was recorded for it."),
    };

    private static ProblemDetails Validation(ValidationException exception)
    {
        var errors = exception.Errors
            .GroupBy(e => FieldName(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());
        var fields = string.Join(", ", errors.Keys);
        var problem = Problem(400, "validation_failed", $"The request has invalid fields: {fields}.");
        problem.Extensions["errors"] = errors;

        return problem;
    }

    private static ProblemDetails Problem(int status, string code, string detail, string? field = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = TitleOf(status),
            Detail = detail,
            Type = $"https://ratelord.dev/problems/{code}",
        };
        problem.Extensions["code"] = code;
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }

        return problem;
    }

    /// <summary>Turns a validator's property path (<c>Response.Status</c>) into the API's field name.</summary>
    private static string FieldName(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(part => part.Contains('_', StringComparison.Ordinal)
            ? part
            : JsonNamingPolicy.SnakeCaseLower.ConvertName(part)));

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        404 => "Not found",
        409 => "Conflict",
        413 => "Request body too large",
        415 => "Unsupported media type",
        _ when status >= 500 => "Internal error",
        _ => "Request refused",
    };
}
