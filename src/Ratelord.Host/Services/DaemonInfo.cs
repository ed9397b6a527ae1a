using System.Reflection;

namespace Ratelord.Host.Services;

/// <summary>Facts about this daemon process.</summary>
public sealed record DaemonInfo(DateTimeOffset StartedAt, string DbPath)
{
    public static string Version { get; } =
        typeof(DaemonInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";
}
