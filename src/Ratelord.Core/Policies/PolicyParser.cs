using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ratelord.Core.Domain;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ratelord.Core.Policies;

/// <summary>
/// Reads a policy file (YAML, or JSON, which YAML reads too) into a <see cref="PolicySet"/>.
/// Every error is collected with its file, line and field; a file with any error is refused whole.
/// </summary>
public sealed class PolicyParser
{
    private readonly string _source;
    private readonly List<string> _errors = [];

    private PolicyParser(string source)
    {
        _source = source;
    }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="PolicyException"/> listing every error.</summary>
    public static PolicySet Parse(string text, string source)
    {
        var parser = new PolicyParser(source);
        var set = parser.Read(text);

        return parser._errors.Count == 0 ? set : throw new PolicyException(source, parser._errors);
    }

    /// <summary>The version of a policy text: a short hash of its bytes.</summary>
    public static string VersionOf(string text) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private PolicySet Read(string text)
    {
        var version = VersionOf(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            Error(exception.Start.Line, "", exception.Message);

            return PolicySet.BuiltIn;
        }
        catch (InvalidOperationException exception)
        {
            // YamlDotNet's scanner gives up this way, with no position, on some unclosed flow collections.
            Error(
                LastLineOf(text),
                "",
                $"the file is not valid YAML ({exception.Message}); look for an unclosed '[' or '{{' above this line.");

            return PolicySet.BuiltIn;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            // An empty file is most often a save caught half-way: taking it would drop every rule in force.
            // An operator who wants none writes 'policies: []'.
            Error(1, "", "the file is empty; write 'policies: []' for a policy without rules.");

            return PolicySet.BuiltIn;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents[0].RootNode.Start.Line, "", "the file must be a mapping of sections.");

            return PolicySet.BuiltIn;
        }

        var workloads = new List<WorkloadDefinition>();
        var pricing = Pricing.None;
        var budgets = new List<Budget>();
        var policies = new List<Policy>();
        var defaults = new PolicyDefaults();
        foreach (var (keyNode, value) in root.Children)
        {
            switch (Text(keyNode))
            {
                case "workloads":
                    ReadWorkloads(value, workloads);
                    break;
                case "pricing":
                    pricing = ReadPricing(value);
                    break;
                case "budgets":
                    ReadBudgets(value, budgets);
                    break;
                case "policies":
                    ReadPolicies(value, policies);
                    break;
                case "defaults":
                    defaults = ReadDefaults(value);
                    break;
                case var other:
                    Error(
                        keyNode.Start.Line,
                        other ?? "",
                        "unknown section; expected workloads, pricing, budgets, policies or defaults.");
                    break;
            }
        }

        Unique(policies.Select(p => (p.Id, 0L)), "policies", "policy id");
        Unique(budgets.Select(b => (b.Id, 0L)), "budgets", "budget id");

        return new PolicySet(version, _source, new WorkloadCatalog(workloads), pricing, budgets, policies, defaults);
    }

    private void ReadWorkloads(YamlNode node, List<WorkloadDefinition> workloads)
    {
        if (!Expect<YamlMappingNode>(node, "workloads", "a mapping of workload id to its pools", out var map))
        {
            return;
        }

        foreach (var (idNode, definition) in map.Children)
        {
            var id = Text(idNode) ?? "";
            var field = $"workloads.{id}";
            var pools = new List<WorkloadPool>();
            if (!Expect<YamlMappingNode>(definition, field, "a mapping with a 'pools' list", out var fields))
            {
                continue;
            }

            if (!fields.Children.TryGetValue(new YamlScalarNode("pools"), out var poolsNode)
                || !Expect<YamlSequenceNode>(
                    poolsNode,
                    field + ".pools",
                    "a list of {provider, pool, cost}",
                    out var list))
            {
                if (!fields.Children.ContainsKey(new YamlScalarNode("pools")))
                {
                    Error(definition.Start.Line, field, "needs a 'pools' list.");
                }

                continue;
            }

            var index = 0;
            foreach (var entry in list.Children)
            {
                var entryField = $"{field}.pools[{index++}]";
                if (!Expect<YamlMappingNode>(entry, entryField, "a mapping with provider, pool and cost", out var pool))
                {
                    continue;
                }

                var provider = Scalar(pool, "provider");
                var name = Scalar(pool, "pool");
                if (string.IsNullOrWhiteSpace(provider) || string.IsNullOrWhiteSpace(name))
                {
                    Error(entry.Start.Line, entryField, "needs both provider and pool.");
                    continue;
                }

                var cost = Scalar(pool, "cost") ?? "1";
                double? fixedCost = null;
                if (cost != "expected")
                {
                    fixedCost = Number(entry, entryField + ".cost", cost, "a number of at least 0, or 'expected'");
                    if (fixedCost is null)
                    {
                        continue;
                    }
                }

                pools.Add(new WorkloadPool(provider, name, fixedCost));
            }

            if (list.Children.Count == 0)
            {
                // A workload that draws from no pool would be approved without a single check.
                Error(definition.Start.Line, field + ".pools", "must name at least one pool.");
                continue;
            }

            workloads.Add(new WorkloadDefinition(id, pools));
        }
    }

    private Pricing ReadPricing(YamlNode node)
    {
        var prices = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        if (!Expect<YamlMappingNode>(
            node,
            "pricing",
            "a mapping of provider to {pool: micro-USD per unit}",
            out var map))
        {
            return Pricing.None;
        }

        foreach (var (providerNode, poolsNode) in map.Children)
        {
            var provider = Text(providerNode) ?? "";
            if (!Expect<YamlMappingNode>(
                poolsNode,
                $"pricing.{provider}",
                "a mapping of pool to micro-USD per unit",
                out var pools))
            {
                continue;
            }

            var perPool = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (poolNode, priceNode) in pools.Children)
            {
                var pool = Text(poolNode) ?? "";
                if (Number(
                    priceNode,
                    $"pricing.{provider}.{pool}",
                    Text(priceNode),
                    "a price of at least 0") is { } price)
                {
                    perPool[pool] = price;
                }
            }

            prices[provider] = perPool;
        }

        return new Pricing(prices);
    }

    private void ReadBudgets(YamlNode node, List<Budget> budgets)
    {
        if (!Expect<YamlSequenceNode>(node, "budgets", "a list of budgets", out var list))
        {
            return;
        }

        var index = 0;
        foreach (var entry in list.Children)
        {
            var field = $"budgets[{index++}]";
            if (!Expect<YamlMappingNode>(entry, field, "a mapping with id, scope, limit_usd and window", out var map))
            {
                continue;
            }

            var id = Required(map, entry, field, "id");
            var scope = Scalar(map, "scope") ?? "global";
            var limit = Number(entry, field + ".limit_usd", Scalar(map, "limit_usd"), "an amount of at least 0 in USD");
            var windowText = Scalar(map, "window") ?? "daily";
            BudgetWindow? window = windowText switch
            {
                "hourly" => BudgetWindow.Hourly,
                "daily" => BudgetWindow.Daily,
                "monthly" => BudgetWindow.Monthly,
                _ => null,
            };
            if (window is null)
            {
                Error(
                    entry.Start.Line,
                    field + ".window",
                    $"'{windowText}' is not a window; use hourly, daily or monthly.");
            }

            var timeZone = Scalar(map, "timezone") ?? "UTC";
            if (!TryTimeZone(timeZone))
            {
                Error(
                    entry.Start.Line,
                    field + ".timezone",
                    $"'{timeZone}' is not a known time zone (an IANA name such as Europe/Paris).");
            }

            if (id is not null && limit is not null && window is not null)
            {
                budgets.Add(new Budget(id, scope, limit.Value, window.Value, timeZone));
            }
        }
    }

    private void ReadPolicies(YamlNode node, List<Policy> policies)
    {
        if (!Expect<YamlSequenceNode>(node, "policies", "a list of policies", out var list))
        {
            return;
        }

        var index = 0;
        foreach (var entry in list.Children)
        {
            var field = $"policies[{index++}]";
            if (!Expect<YamlMappingNode>(
                entry,
                field,
                "a mapping with id, a level (scope, pool or identity) and rules",
                out var map))
            {
                continue;
            }

            var id = Required(map, entry, field, "id") ?? field;
            field = $"policies.{id}";
            var (level, selector) = LevelOf(map, entry, field);
            var rules = new List<Rule>();
            if (map.Children.TryGetValue(new YamlScalarNode("rules"), out var rulesNode)
                && Expect<YamlSequenceNode>(rulesNode, field + ".rules", "a list of rules", out var ruleList))
            {
                var ruleIndex = 0;
                foreach (var ruleNode in ruleList.Children)
                {
                    if (ReadRule(ruleNode, $"{field}.rules[{ruleIndex++}]") is { } rule)
                    {
                        rules.Add(rule);
                    }
                }
            }
            else if (!map.Children.ContainsKey(new YamlScalarNode("rules")))
            {
                Error(entry.Start.Line, field, "needs a 'rules' list.");
            }

            Unique(rules.Select(r => (r.Name, (long)entry.Start.Line)), field + ".rules", "rule name");
            policies.Add(new Policy(id, level, selector, rules));
        }
    }

    private (PolicyLevel Level, string Selector) LevelOf(YamlMappingNode map, YamlNode entry, string field)
    {
        var scope = Scalar(map, "scope");
        var pool = Scalar(map, "pool");
        var identity = Scalar(map, "identity");
        var given = new[] { scope, pool, identity }.Count(s => s is not null);
        if (given > 1)
        {
            Error(entry.Start.Line, field, "give only one of scope, pool or identity.");
        }

        if (pool is not null)
        {
            if (!pool.Contains('/', StringComparison.Ordinal))
            {
                Error(entry.Start.Line, field + ".pool", $"'{pool}' must be provider/pool, such as github/core.");
            }

            return (PolicyLevel.Pool, pool);
        }

        if (identity is not null)
        {
            return (PolicyLevel.Identity, identity);
        }

        scope ??= "global";

        return scope == "global" ? (PolicyLevel.Global, scope) : (PolicyLevel.Scope, scope);
    }

    private Rule? ReadRule(YamlNode node, string field)
    {
        if (!Expect<YamlMappingNode>(node, field, "a mapping with name, condition and action", out var map))
        {
            return null;
        }

        var name = Required(map, node, field, "name");
        var conditionText = Required(map, node, field, "condition");
        var actionText = Required(map, node, field, "action");
        RuleAction? action = actionText switch
        {
            "approve" => RuleAction.Approve,
            "shape" => RuleAction.Shape,
            "defer" => RuleAction.Defer,
            "deny" => RuleAction.Deny,
            "switch" => RuleAction.Switch,
            null => null,
            _ => Invalid(
                node,
                field + ".action",
                $"'{actionText}' is not an action; use approve, shape, defer, deny or switch."),
        };
        var reason = Scalar(map, "reason");
        var retry = Scalar(map, "retry_after_s") is { } r
            ? Number(node, field + ".retry_after_s", r, "seconds, at least 0")
            : null;
        Condition? condition = null;
        if (conditionText is not null)
        {
            condition = Condition.TryCompile(conditionText, out var error);
            if (error is not null)
            {
                Error(ConditionLine(map, node), field + ".condition", error);
            }
        }

        foreach (var (keyNode, _) in map.Children)
        {
            if (Text(keyNode) is not ("name" or "condition" or "action" or "reason" or "retry_after_s") and var unknown)
            {
                Error(
                    keyNode.Start.Line,
                    field,
                    $"unknown field '{unknown}'; a rule has name, condition, action, reason and retry_after_s.");
            }
        }

        return name is null || condition is null || action is null
            ? null
            : new Rule(name, condition, action.Value, reason, retry);
    }

    private PolicyDefaults ReadDefaults(YamlNode node)
    {
        var defaults = new PolicyDefaults();
        if (!Expect<YamlMappingNode>(node, "defaults", "a mapping of default settings", out var map))
        {
            return defaults;
        }

        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = Text(keyNode);
            var field = $"defaults.{key}";
            var text = Text(valueNode);
            switch (key)
            {
                case "high_urgency_reserve_percent":
                    if (Number(valueNode, field, text, "a percentage from 0 to 100", max: 100) is { } reserve)
                    {
                        defaults = defaults with { HighUrgencyReservePercent = reserve };
                    }

                    break;
                case "reserve_release_s":
                    if (Number(valueNode, field, text, "seconds, at least 0") is { } release)
                    {
                        defaults = defaults with { ReserveReleaseSeconds = release };
                    }

                    break;
                case "shape_above_p_exhaustion":
                    if (Number(valueNode, field, text, "a probability from 0 to 1", max: 1) is { } p)
                    {
                        defaults = defaults with { ShapeAbovePExhaustion = p };
                    }

                    break;
                case "defer_jitter_s":
                    if (Number(valueNode, field, text, "seconds, at least 0") is { } jitter)
                    {
                        defaults = defaults with { DeferJitterSeconds = jitter };
                    }

                    break;
                case "background_pacing_weight":
                    if (Number(valueNode, field, text, "a weight of at least 1") is >= 1 and var weight)
                    {
                        defaults = defaults with { BackgroundPacingWeight = weight };
                    }

                    break;
                case "fair_share_tolerance":
                    if (Number(valueNode, field, text, "a multiple of at least 1") is >= 1 and var tolerance)
                    {
                        defaults = defaults with { FairShareTolerance = tolerance };
                    }

                    break;
                case "timezone":
                    if (text is not null && TryTimeZone(text))
                    {
                        defaults = defaults with { TimeZone = text };
                    }
                    else
                    {
                        Error(valueNode.Start.Line, field, $"'{text}' is not a known time zone.");
                    }

                    break;
                default:
                    Error(keyNode.Start.Line, field, "unknown default; see docs/policy.md.");
                    break;
            }
        }

        return defaults;
    }

    private static bool TryTimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    private static long ConditionLine(YamlMappingNode map, YamlNode fallback) =>
        map.Children.TryGetValue(new YamlScalarNode("condition"), out var node) ? node.Start.Line : fallback.Start.Line;

    private void Unique(IEnumerable<(string Id, long Line)> ids, string field, string what)
    {
        foreach (var group in ids.GroupBy(i => i.Id).Where(g => g.Count() > 1))
        {
            Error(group.First().Line, field, $"{what} '{group.Key}' is used more than once.");
        }
    }

    private string? Required(YamlMappingNode map, YamlNode node, string field, string key)
    {
        var value = Scalar(map, key);
        if (string.IsNullOrWhiteSpace(value))
        {
            Error(node.Start.Line, $"{field}.{key}", "is required.");

            return null;
        }

        return value;
    }

    private double? Number(YamlNode node, string field, string? text, string expected, double? max = null)
    {
        if (text is not null
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && value >= 0 && (max is null || value <= max))
        {
            return value;
        }

        Error(node.Start.Line, field, $"'{text}' must be {expected}.");

        return null;
    }

    private RuleAction? Invalid(YamlNode node, string field, string message)
    {
        Error(node.Start.Line, field, message);

        return null;
    }

    private bool Expect<T>(YamlNode node, string field, string expected, out T typed)
        where T : YamlNode
    {
        if (node is T t)
        {
            typed = t;

            return true;
        }

        Error(node.Start.Line, field, $"must be {expected}.");
        typed = null!;

        return false;
    }

    private void Error(long line, string field, string message) =>
        _errors.Add(field.Length == 0 ? $"{_source}:{line}: {message}" : $"{_source}:{line}: {field}: {message}");

    private static string? Text(YamlNode node) => (node as YamlScalarNode)?.Value;

    private static long LastLineOf(string text) => text.TrimEnd('\n', '\r').Split('\n').Length;

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? Text(node) : null;
}

/// <summary>The policy file has errors; each names file, line and field.</summary>
public sealed class PolicyException(string source, IReadOnlyList<string> errors)
    : Exception(
        $"The policy file '{source}' was refused ({errors.Count} error(s)):\n  - "
        + string.Join("\n  - ", errors))
{
    public string PolicySource { get; } = source;

    public IReadOnlyList<string> Errors { get; } = errors;
}
