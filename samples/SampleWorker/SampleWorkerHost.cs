using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ratelord.Sdk;

namespace Ratelord.Samples.SampleWorker;

/// <summary>Builds the worker's host, the way its <c>Program.cs</c> runs it and a test hosts it in-process.</summary>
public static class SampleWorkerHost
{
    /// <summary>
    /// A host whose <c>github</c> client is governed by Ratelord, and whose worker reads through it. Reads the
    /// settings <c>daemon</c>, <c>provider</c>, <c>calls</c>, <c>loops</c> and <c>identity</c> from the command line
    /// (<c>--calls 300</c>) or the environment.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <returns>The host, not yet started.</returns>
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        var settings = builder.Configuration;
        var options = new SampleWorkerOptions
        {
            Calls = settings.GetValue("calls", 300),
            Loops = settings.GetValue("loops", 4),
            IdentityId = settings["identity"] ?? "pat:worker",
        };
        var daemon = new Uri(settings["daemon"] ?? "http://127.0.0.1:8090/");
        var provider = new Uri(settings["provider"] ?? "http://127.0.0.1:9091/");

        // The whole of Ratelord in a worker: where the daemon is, and one line on the client it governs.
        builder.Services.AddRatelordClient(ratelord => ratelord.BaseAddress = daemon);
        builder.Services.AddHttpClient(RepositoryReader.ClientName, http => http.BaseAddress = provider)
            .AddRatelord(ratelord =>
            {
                ratelord.AgentId = "sample-worker";
                ratelord.IdentityId = options.IdentityId;
                ratelord.WorkloadId = "repo_read";
            });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<RepositoryReader>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RepositoryReader>());

        return builder.Build();
    }
}
