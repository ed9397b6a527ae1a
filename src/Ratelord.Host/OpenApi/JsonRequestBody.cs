using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ratelord.Host.OpenApi;

/// <summary>
/// Names the JSON body an endpoint reads, for the OpenAPI document only. The endpoints read their bodies
/// themselves (<see cref="Http.JsonBody"/>) so that a wrong content type, malformed JSON or an oversized body is
/// answered with the API's own problem details; routing metadata such as <c>Accepts</c> would instead refuse a
/// wrong content type before the endpoint runs, with an empty 415.
/// </summary>
/// <param name="Type">The request record.</param>
internal sealed record JsonRequestBody(Type Type);

/// <summary>Writes the <see cref="JsonRequestBody"/> of each endpoint into its operation.</summary>
internal sealed class JsonRequestBodyTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(
        OpenApiOperation operation,
        OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        var body = context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonRequestBody>().FirstOrDefault();
        if (body is null)
        {
            return;
        }

        // Kept as a component and referenced, as the generator does for the answers, so that a client generator
        // makes one type of each request.
        IOpenApiSchema schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
        if (context.Document is { } document)
        {
            document.AddComponent(body.Type.Name, schema);
            schema = new OpenApiSchemaReference(body.Type.Name, document);
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = schema },
            },
        };
    }
}
