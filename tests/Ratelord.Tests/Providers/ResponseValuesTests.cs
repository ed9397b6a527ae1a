using Ratelord.Core.Providers;

namespace Ratelord.Tests.Providers;

public sealed class ResponseValuesTests
{
    [Theory]
    [InlineData("5000", 5000d)]
    [InlineData(" 595.0 ", 595d)]
    [InlineData("1e3", 1000d)]
    [InlineData("0", 0d)]
    [InlineData("-1", null)]
    [InlineData("NaN", null)]
    [InlineData("Infinity", null)]
    [InlineData("1e999", null)]
    [InlineData("1,000", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Number_IsUnknown_UnlessFiniteAndNotNegative(string? text, double? expected)
    {
        TestResponses.Near(expected, ResponseValues.Number(text), text ?? "null");
    }

    [Fact]
    public void Lowest_IsUnknown_WhenAnyValueIsUnknown_OrThereAreNone()
    {
        Assert.Equal(3, ResponseValues.Lowest([5, 3, 9]));
        Assert.Null(ResponseValues.Lowest([5, null, 9]));
        Assert.Null(ResponseValues.Lowest([]));
    }

    [Fact]
    public void List_SplitsMembersAndParameters_OutsideQuotesOnly()
    {
        var members = ResponseValues.List(["\"a,b\";q=1;w=\"x;y\", tok;r=2", "r=3;t=4, 7;w=1"]);

        Assert.Collection(
            members,
            m => Assert.Equal(("a,b", false, "1", "x;y"), (m.Name, m.Numeric, m.Parameters["q"], m.Parameters["w"])),
            m => Assert.Equal(("tok", false, "2"), (m.Name, m.Numeric, m.Parameters["r"])),
            m => Assert.Equal(("", false, "3", "4"), (m.Name, m.Numeric, m.Parameters["r"], m.Parameters["t"])),
            m => Assert.Equal(("7", true, "1"), (m.Name, m.Numeric, m.Parameters["w"])));
    }

    [Fact]
    public void List_SkipsEmptyMembers_AndSurvivesAnUnclosedQuote()
    {
        Assert.Single(ResponseValues.List([" , \"day\";r=1 ,, "]));
        Assert.Single(ResponseValues.List(["\"day;r=1, x"]));
    }
}
