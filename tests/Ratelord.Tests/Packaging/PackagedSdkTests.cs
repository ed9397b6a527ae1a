using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ratelord.Samples.FakeProvider;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Packaging;

/// <summary>
/// The packages as a NuGet user meets them: <c>dotnet pack</c> to a folder, a new console project outside the
/// repository that references <c>Ratelord.Sdk</c> from that folder only, run with <c>dotnet run</c> against the
/// daemon as its own process and the fake GitHub on loopback.
/// </summary>
public sealed partial class PackagedSdkTests : IAsyncDisposable
{
    private const string Identity = "pat:packaged";

    /// <summary>Calls through the handler; one more is asked by hand. Together, more than a window allows.</summary>
    private const int HandlerCalls = 14;

    private const int Limit = 10;

    /// <summary>A build on a loaded two-core machine, every package already there, takes well under this.</summary>
    private static readonly TimeSpan BuildDeadline = TimeSpan.FromMinutes(5);

    private readonly TempDirectory _work = new();
    private readonly FakeGitHubServer _provider =
        new(new FakeGitHubOptions { Limit = Limit, Window = TimeSpan.FromSeconds(10) });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _work.Dispose();
    }

    [Fact(Timeout = 20 * 60 * 1000)]
    public async Task PackedSdk_InANewProject_IsGovernedByTheDaemon_AndItsOutcomesAreRecorded()
    {
        var feed = Directory.CreateDirectory(_work.File("feed")).FullName;
        var packages = Directory.CreateDirectory(_work.File("packages")).FullName;
        var app = Directory.CreateDirectory(_work.File("app")).FullName;
        Assert.False(
            app.StartsWith(DaemonProcess.RepositoryRoot(), StringComparison.Ordinal),
            "The new project must sit outside the repository, so that its build files do not apply to it.");

        var version = await PackAsync(feed);
        await WriteProjectAsync(app, feed, packages, await MachinePackagesFolderAsync(), version);
        var isolated = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };

        await Dotnet.SucceedAsync(app, BuildDeadline, isolated, "restore", "--disable-build-servers");

        // The restore took Ratelord's packages from the folder they were packed to, and from nowhere else.
        Assert.Equal(feed, RestoredFrom(packages, "Ratelord.Sdk", version));
        Assert.Equal(feed, RestoredFrom(packages, "Ratelord.Core", version));

        await using var daemon = await DaemonProcess.StartAsync(_work.File("ratelord.db"));
        var providerAddress = await _provider.StartAsync(cancellationToken: Ct);
        var run = await Dotnet.SucceedAsync(
            app,
            BuildDeadline,
            isolated,
            "run",
            "--no-restore",
            "--disable-build-servers",
            "--",
            daemon.BaseAddress.ToString(),
            providerAddress.ToString(),
            HandlerCalls.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var calls = IntentLine().Matches(run.Output)
            .Select(m => (Id: m.Groups["id"].Value, Status: m.Groups["status"].Value))
            .ToList();
        Assert.True(calls.Count == HandlerCalls + 1, $"Expected {HandlerCalls + 1} calls.\n{run}");
        Assert.All(calls, call => Assert.Equal("200", call.Status));
        Assert.Equal(HandlerCalls + 1, _provider.TotalRequests);
        Assert.Equal(0, _provider.Throttled429);

        // Every call was decided by the daemon before it went out, and settled with the provider's answer after.
        foreach (var (id, _) in calls)
        {
            var intent = await daemon.Http.GetJsonAsync($"/v1/intents/{id}");
            Assert.Equal("packaged-app", intent.GetProperty("agent_id").GetString());
            Assert.Equal(Identity, intent.GetProperty("identity_id").GetString());
            Assert.StartsWith("approve", intent.GetProperty("decision").GetProperty("verdict").GetString());
            var settlement = intent.GetProperty("settlement");
            Assert.True(settlement.ValueKind == JsonValueKind.Object, $"Intent {id} was never settled: {intent}");
            Assert.Equal("completed", settlement.GetProperty("outcome").GetString());
            Assert.Equal(200, settlement.GetProperty("response_status").GetInt32());
        }

        // The outcomes carried the provider's headers, from which the daemon learned the pool.
        var pools = await daemon.Http.GetJsonAsync("/v1/pools");
        var pool = pools.GetProperty("pools").EnumerateArray()
            .Single(p => p.GetProperty("pool_id").GetString() == $"github/core@{Identity}");
        Assert.Equal(Limit, pool.GetProperty("limit").GetDouble());
    }

    /// <summary>Packs <c>Ratelord.Sdk</c> and <c>Ratelord.Core</c> into <paramref name="feed"/>.</summary>
    /// <returns>The version of the packages.</returns>
    private async Task<string> PackAsync(string feed)
    {
        var root = DaemonProcess.RepositoryRoot();

        // Outputs of their own, so that the repository's bin and obj, in use by this very test run, are not touched.
        var artifacts = _work.File("artifacts");
        string[] common = ["-c", "Release", "-o", feed, "--artifacts-path", artifacts, "--disable-build-servers"];
        await Dotnet.SucceedAsync(
            root,
            BuildDeadline,
            null,
            ["pack", Path.Combine(root, "src", "Ratelord.Sdk", "Ratelord.Sdk.csproj"), .. common]);

        // The SDK's build made Core too; packing it needs no second build.
        await Dotnet.SucceedAsync(
            root,
            BuildDeadline,
            null,
            ["pack", Path.Combine(root, "src", "Ratelord.Core", "Ratelord.Core.csproj"), "--no-build", .. common]);

        var sdk = Directory.GetFiles(feed, "Ratelord.Sdk.*.nupkg").Single();
        var version = Path.GetFileNameWithoutExtension(sdk)["Ratelord.Sdk.".Length..];
        AssertPackageContents(feed, "Ratelord.Sdk", version);
        AssertPackageContents(feed, "Ratelord.Core", version);

        return version;
    }

    /// <summary>What Directory.Build.props means every package to carry: a README, XML docs, symbols.</summary>
    private static void AssertPackageContents(string feed, string id, string version)
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("README.md", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        using var nuspec = new StreamReader(package.GetEntry($"{id}.nuspec")!.Open());
        var manifest = nuspec.ReadToEnd();
        Assert.Contains("<readme>README.md</readme>", manifest, StringComparison.Ordinal);
        Assert.Matches("<repository [^>]*commit=\"[0-9a-f]{40}\"", manifest);

        // The symbols' PDB carries SourceLink's map as plain JSON, from source paths to the repository's files.
        using var symbols = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.snupkg"));
        var pdb = symbols.GetEntry($"lib/net10.0/{id}.pdb");
        Assert.True(pdb is not null, $"{id}'s symbol package has no PDB.");
        using var bytes = new MemoryStream();
        using (var stream = pdb.Open())
        {
            stream.CopyTo(bytes);
        }

        var sourceLink = "https://raw.githubusercontent.com/ratelord/ratelord/"u8.ToArray();
        Assert.True(bytes.ToArray().AsSpan().IndexOf(sourceLink) >= 0, $"{id}'s PDB has no SourceLink map.");
    }

    /// <summary>
    /// Where this machine keeps the packages it has restored. The new project takes third-party packages from there
    /// as from any local feed, so its restore needs no network; Ratelord's own are mapped to the new feed only.
    /// </summary>
    private static async Task<string> MachinePackagesFolderAsync()
    {
        var run = await Dotnet.SucceedAsync(
            DaemonProcess.RepositoryRoot(),
            TimeSpan.FromMinutes(1),
            null,
            "nuget",
            "locals",
            "global-packages",
            "--list");
        var folder = GlobalPackagesLine().Match(run.Output);
        Assert.True(folder.Success, run.ToString());

        return folder.Groups["path"].Value.Trim();
    }

    private static async Task WriteProjectAsync(
        string app,
        string feed,
        string packages,
        string machinePackages,
        string version)
    {
        // Empty build files here stop MSBuild looking further up for others, wherever the temp folder is.
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.props"), "<Project />\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.targets"), "<Project />\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Packages.props"), "<Project />\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="ratelord-local" value="{feed}" />
                <add key="machine-packages" value="{machinePackages}" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
              </fallbackPackageFolders>
              <packageSourceMapping>
                <packageSource key="ratelord-local">
                  <package pattern="Ratelord.*" />
                </packageSource>
                <packageSource key="machine-packages">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """, Ct);
        await File.WriteAllTextAsync(Path.Combine(app, "PackagedApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ratelord.Sdk" Version="[{version}]" />
              </ItemGroup>
            </Project>
            """, Ct);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Program, Ct);
    }

    /// <summary>The source the restore recorded for a package, from the package folder's own metadata.</summary>
    private static string RestoredFrom(string packages, string id, string version)
    {
        var metadata = Path.Combine(packages, id.ToLowerInvariant(), version, ".nupkg.metadata");
        Assert.True(File.Exists(metadata), $"{id} {version} was not restored into {packages}.");
        using var document = JsonDocument.Parse(File.ReadAllText(metadata));

        return document.RootElement.GetProperty("source").GetString()!.TrimEnd(Path.DirectorySeparatorChar);
    }

    /// <summary>
    /// The new project's code: the handler on an HttpClient of IHttpClientFactory, and one call asked for and
    /// reported by hand. It prints one line per call, <c>intent ID STATUS</c>.
    /// </summary>
    private const string Program = """
        using System.Globalization;
        using Microsoft.Extensions.DependencyInjection;
        using Ratelord.Sdk;
        using Ratelord.Sdk.Http;

        var daemon = new Uri(args[0]);
        var provider = new Uri(args[1]);
        var calls = int.Parse(args[2], CultureInfo.InvariantCulture);
        const string identity = "pat:packaged";

        var services = new ServiceCollection();
        services.AddRatelordClient(o => o.BaseAddress = daemon);
        services.AddHttpClient("github", http => http.BaseAddress = provider)
            .AddRatelord(o =>
            {
                o.AgentId = "packaged-app";
                o.IdentityId = identity;
                o.WorkloadId = "repo_read";
                o.ScopeId = "repo:acme/web";
            });
        await using var container = services.BuildServiceProvider();
        var ratelord = container.GetRequiredService<IRatelordClient>();
        await ratelord.RegisterIdentityAsync(new IdentityRegistration(identity, "pat", "github"));

        var github = container.GetRequiredService<IHttpClientFactory>().CreateClient("github");
        for (var made = 0; made < calls;)
        {
            try
            {
                using var response = await github.GetAsync("repos/acme/web");
                var decision = response.RequestMessage!.GetRatelordDecision()!;
                Console.WriteLine($"intent {decision.IntentId} {(int)response.StatusCode}");
                made++;
            }
            catch (RatelordDeniedException denied)
            {
                Console.Error.WriteLine($"denied {denied.Reason}, retrying after {denied.RetryAfter}");
                await Task.Delay(denied.RetryAfter ?? TimeSpan.FromSeconds(1));
            }
        }

        var asked = await ratelord.AskAsync(new Intent("packaged-app", identity, "repo_read", "repo:acme/web"));
        while (!asked.IsApproved)
        {
            await Task.Delay(asked.RetryAfter ?? TimeSpan.FromSeconds(1));
            asked = await ratelord.AskAsync(new Intent("packaged-app", identity, "repo_read", "repo:acme/web"));
        }

        using var plain = new HttpClient { BaseAddress = provider };
        using var answer = await plain.GetAsync("repos/acme/web");
        await ratelord.ReportOutcomeAsync(asked.IntentId, Outcome.FromResponse(answer));
        Console.WriteLine($"intent {asked.IntentId} {(int)answer.StatusCode}");

        return 0;
        """;

    [GeneratedRegex(@"^intent (?<id>[0-9a-f-]{36}) (?<status>\d{3})$", RegexOptions.Multiline)]
    private static partial Regex IntentLine();

    [GeneratedRegex(@"^global-packages:\s*(?<path>.+)$", RegexOptions.Multiline)]
    private static partial Regex GlobalPackagesLine();
}
