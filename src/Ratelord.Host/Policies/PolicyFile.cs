using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ratelord.Core.Domain;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ratelord.Host.Policies;

/// <summary>What a policy file configures today: the workloads and the pools they draw from.</summary>
public sealed record PolicyDocument(string Path, string Version, WorkloadCatalog Workloads);

/// <summary>
/// Loads the policy file (YAML, or JSON which YAML reads too). Every error names the file, the
/// line and the field; a file with any error is refused whole.
/// </summary>
public static class PolicyFile
{
    public static PolicyDocument Load(string path)
    {
        var text = File.ReadAllText(path);
        var version = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        var errors = new List<string>();
        var workloads = new List<WorkloadDefinition>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            throw new PolicyException([$"{path}:{exception.Start.Line}: {exception.Message}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new PolicyDocument(path, version, WorkloadCatalog.Empty);
        }

        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value;
            if (key == "workloads")
            {
                ReadWorkloads(path, valueNode, workloads, errors);
            }
            else if (key is not ("policies" or "pricing" or "budgets"))
            {
                errors.Add($"{path}:{keyNode.Start.Line}: unknown section '{key}'; expected workloads, policies, pricing or budgets.");
            }
        }

        return errors.Count == 0
            ? new PolicyDocument(path, version, new WorkloadCatalog(workloads))
            : throw new PolicyException(errors);
    }

    private static void ReadWorkloads(string path, YamlNode node, List<WorkloadDefinition> workloads, List<string> errors)
    {
        if (node is not YamlMappingNode map)
        {
            errors.Add($"{path}:{node.Start.Line}: workloads must be a mapping of workload id to its pools.");

            return;
        }

        foreach (var (idNode, definition) in map.Children)
        {
            var id = ((YamlScalarNode)idNode).Value ?? "";
            var pools = new List<WorkloadPool>();
            var poolList = definition is YamlMappingNode d && d.Children.TryGetValue(new YamlScalarNode("pools"), out var p)
                ? p as YamlSequenceNode
                : null;
            if (poolList is null)
            {
                errors.Add($"{path}:{definition.Start.Line}: workloads.{id} needs a 'pools' list.");
                continue;
            }

            foreach (var entry in poolList.Children)
            {
                var field = $"workloads.{id}.pools";
                if (entry is not YamlMappingNode fields)
                {
                    errors.Add($"{path}:{entry.Start.Line}: {field} entries must be mappings with provider, pool and cost.");
                    continue;
                }

                var provider = Scalar(fields, "provider");
                var pool = Scalar(fields, "pool");
                var cost = Scalar(fields, "cost") ?? "1";
                if (string.IsNullOrWhiteSpace(provider) || string.IsNullOrWhiteSpace(pool))
                {
                    errors.Add($"{path}:{entry.Start.Line}: {field} entry needs both provider and pool.");
                    continue;
                }

                double? fixedCost = null;
                if (cost != "expected")
                {
                    if (!double.TryParse(cost, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) || c < 0 || !double.IsFinite(c))
                    {
                        errors.Add($"{path}:{entry.Start.Line}: {field}.cost '{cost}' must be a number of at least 0 or 'expected'.");
                        continue;
                    }

                    fixedCost = c;
                }

                pools.Add(new WorkloadPool(provider, pool, fixedCost));
            }

            workloads.Add(new WorkloadDefinition(id, pools));
        }
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;
}

/// <summary>The policy file has errors; each names file, line and field.</summary>
public sealed class PolicyException(IReadOnlyList<string> errors)
    : Exception("The policy file was refused:\n  - " + string.Join("\n  - ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
