namespace Ratelord.Tests.Cli;

/// <summary>The command tests share one seeded daemon; each test that changes it uses names of its own.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<SeededDaemon>
{
    public const string Name = "ratelord command";
}
