namespace Ratelord.Sdk;

/// <summary>What the daemon reports about itself.</summary>
/// <param name="Status">Its status, <c>ok</c> when it serves.</param>
/// <param name="Version">Its version.</param>
/// <param name="Uptime">How long it has run.</param>
/// <param name="LastPosition">The position of the last event in its log.</param>
public sealed record DaemonHealth(string Status, string? Version, TimeSpan Uptime, long LastPosition);
