using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ratelord.Host.OpenApi;

/// <summary>
/// States in the OpenAPI document which fields a client must send and which an answer always carries.
/// </summary>
/// <remarks>
/// The generator lists every positional parameter of a record as required. Request bodies are records whose every
/// field is nullable so that a missing one is reported by the validators together with every other bad field (one
/// 400 naming each); their required fields are the ones marked <see cref="RequiredAttribute"/>, which nothing else
/// reads. In answers a nullable field may be null but is always present, as the generator says.
/// </remarks>
internal sealed class OptionalFieldsTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(
        OpenApiSchema schema,
        OpenApiSchemaTransformerContext context,
        CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (schema.Properties is null || !type.Name.EndsWith("Request", StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        var required = context.JsonTypeInfo.Properties
            .Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
            .Select(p => p.Name);
        schema.Required = new HashSet<string>(required, StringComparer.Ordinal);

        return Task.CompletedTask;
    }
}
