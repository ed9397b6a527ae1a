using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace Ratelord.Host.Dashboard;

/// <summary>
/// Serves the web dashboard: plain HTML, JavaScript and CSS embedded in the daemon, at <c>/</c> and
/// <c>/dashboard/...</c>. No separate server and no build step; the page reads the same HTTP API as every other
/// client and follows the log through <c>GET /v1/events?stream=true</c>.
/// </summary>
public static class DashboardEndpoints
{
    private const string Prefix = "dashboard/";

    // The page loads nothing from elsewhere: a daemon on an offline machine shows the same dashboard.
    private const string ContentSecurityPolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

    private static readonly Lazy<FrozenDictionary<string, Asset>> Assets = new(Load);

    public static void MapDashboardEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html"))
            .WithName("Dashboard")
            .ExcludeFromDescription();
        app.MapGet("/dashboard/{**path}", (HttpContext context, string path) => Serve(context, path))
            .WithName("DashboardAsset")
            .ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, string path)
    {
        if (!Assets.Value.TryGetValue(path, out var asset))
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            var type = types.TryGetContentType(path, out var known) ? known : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal)
                || type.EndsWith("javascript", StringComparison.Ordinal))
            {
                type += "; charset=utf-8";
            }

            assets[path] = new Asset(content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
