namespace Ratelord.Tests.Cli;

/// <summary>
/// A wrong command line is refused before anything is asked of the daemon: exit 2 and one line naming the option
/// and what it takes. The address is one where nothing listens, so a command that ran anyway would exit 3.
/// </summary>
public sealed class CommandLineTests
{
    private const string Nowhere = "http://127.0.0.1:1";

    [Theory]
    [InlineData("--jsn", "status", "--jsn")]
    [InlineData("--foo", "pools", "--foo", "bar")]
    [InlineData("--limt", "events", "--limt", "3")]
    [InlineData("--jsn", "identity", "list", "--jsn")]
    [InlineData("-x", "status", "-x")]
    public async Task UnknownOption_IsAUsageError_NamingIt(string option, params string[] command)
    {
        var run = await Ratelord.RunAsync([.. command, "--url", Nowhere]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("", run.Output);
        var line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ratelord: ", line);
        Assert.Contains($"'{option}'", line);
    }

    [Theory]
    [InlineData("--limit must be a whole number from 1 to 1000", "events", "--limit", "abc")]
    [InlineData("--limit must be a whole number from 1 to 1000", "events", "--limit", "2.5")]
    [InlineData("--limit must be a whole number from 1 to 1000", "events", "--limit", "0")]
    [InlineData("--after must be a log position", "events", "--after", "first")]
    [InlineData("--cost must be a number", "intent", "--identity", "pat:x", "--cost", "lots")]
    [InlineData("--max-wait must be a number of seconds", "intent", "--identity", "pat:x", "--max-wait", "soon")]
    [InlineData("--refresh must be a number of seconds from 0.1 to 60", "top", "--refresh", "fast")]
    public async Task OptionThatIsNotANumber_IsAUsageError_SayingWhatItTakes(string reason, params string[] command)
    {
        var run = await Ratelord.RunAsync([.. command, "--url", Nowhere]);

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ratelord: " + reason, line);
        Assert.DoesNotContain("Int32", line);
    }
}
