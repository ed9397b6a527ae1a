using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Ratelord.Tests.Infrastructure;

namespace Ratelord.Tests.Cli;

/// <summary><c>ratelord mcp</c> as an LLM host runs it: a process spoken to over stdio by an MCP client.</summary>
[Collection(CliCollection.Name)]
public sealed class McpServerTests(SeededDaemon daemon)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Client_ListsTheTools_AndGetsADecisionThroughAskIntent()
    {
        await using var client = await ConnectAsync();

        var tools = await client.ListToolsAsync(cancellationToken: Token);
        var decision = await CallAsync(client, "ask_intent", new Dictionary<string, object?>
        {
            ["agent_id"] = "llm-agent",
            ["identity_id"] = "pat:ci-bot",
            ["urgency"] = "high",
        });

        Assert.Equal(
            ["ask_intent", "check_pools", "explain_decision"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(tools, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
        Assert.Contains("identity_id", tools.Single(t => t.Name == "ask_intent").JsonSchema.GetRawText());
        Assert.Equal("approve", decision.Text("decision"));
        Assert.True(Guid.TryParse(decision.Text("intent_id"), out _));
    }

    [Fact]
    public async Task ExplainDecision_AndCheckPools_ReadWhatTheDaemonRecorded()
    {
        await using var client = await ConnectAsync();
        var decision = await CallAsync(client, "ask_intent", new Dictionary<string, object?>
        {
            ["agent_id"] = "llm-agent",
            ["identity_id"] = "pat:crawler",
            ["urgency"] = "high",
            ["max_wait_seconds"] = 0,
        });

        var explained = await CallAsync(client, "explain_decision", new Dictionary<string, object?>
        {
            ["intent_id"] = decision.Text("intent_id"),
        });
        var pools = await CallAsync(
            client,
            "check_pools",
            new Dictionary<string, object?> { ["identity_id"] = "pat:crawler" });

        Assert.Equal("deny_with_reason", decision.Text("decision"));
        Assert.Equal("deny_with_reason", explained.GetProperty("decision").Text("verdict"));
        Assert.StartsWith("Denied", explained.Text("explanation"));
        var pool = Assert.Single(pools.GetProperty("pools").EnumerateArray());
        Assert.Equal("github/core@pat:crawler", pool.Text("pool_id"));
        Assert.Equal(0, pool.GetProperty("remaining").GetDouble());
    }

    [Fact]
    public async Task Resources_GiveRecentEventsPoolsAndThePolicy()
    {
        await using var client = await ConnectAsync();

        var resources = await client.ListResourcesAsync(cancellationToken: Token);
        var pools = await client.ReadResourceAsync("ratelord://pools", cancellationToken: Token);
        var policy = await client.ReadResourceAsync("ratelord://policy", cancellationToken: Token);
        var events = await client.ReadResourceAsync("ratelord://events/recent", cancellationToken: Token);

        Assert.Equal(
            ["ratelord://events/recent", "ratelord://policy", "ratelord://pools"],
            resources.Select(r => r.Uri).Order(StringComparer.Ordinal));
        Assert.Contains("github/core@pat:ci-bot", Text(pools));
        Assert.Contains("global-safety", Text(policy));
        Assert.Contains("intent_decided", Text(events));
    }

    [Fact]
    public async Task AskIntent_ForAMalformedIntent_IsAToolErrorTheModelCanRead()
    {
        await using var client = await ConnectAsync();

        var result = await client.CallToolAsync(
            "ask_intent",
            new Dictionary<string, object?>
            {
                ["agent_id"] = "llm-agent",
                ["identity_id"] = "pat:ci-bot",
                ["expected_cost"] = -1,
            },
            cancellationToken: Token);

        Assert.True(result.IsError);
        Assert.Contains(
            "expected_cost",
            string.Join(' ', result.Content.OfType<TextContentBlock>().Select(c => c.Text)));
    }

    private async Task<McpClient> ConnectAsync()
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "ratelord",
            Command = "dotnet",
            Arguments = [Ratelord.DllPath, "mcp", "--url", daemon.Url],
        });

        return await McpClient.CreateAsync(transport, cancellationToken: Token);
    }

    private static async Task<JsonElement> CallAsync(
        McpClient client,
        string tool,
        Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: Token);
        var text = string.Join("", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
        Assert.True(result.IsError is not true, $"{tool} failed: {text}");
        using var document = JsonDocument.Parse(text);

        return document.RootElement.Clone();
    }

    private static string Text(ReadResourceResult result) =>
        string.Join("", result.Contents.OfType<TextResourceContents>().Select(c => c.Text));
}
