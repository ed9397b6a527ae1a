using System.Collections.Frozen;
using System.Text;
using NCalc;

namespace Ratelord.Core.Policies;

/// <summary>
/// A rule's condition, compiled once when the policy is loaded. The language is NCalc's
/// (<c>and</c>, <c>or</c>, <c>not</c>, comparisons, arithmetic, <c>'strings'</c>) over the names in
/// <see cref="KnownNames"/>; a name not among them is refused at load time.
/// </summary>
public sealed class Condition
{
    /// <summary>Every name a condition may read, besides <c>agent.labels.&lt;key&gt;</c>.</summary>
    public static readonly FrozenSet<string> KnownNames = new[]
    {
        "risk.p_exhaustion", "tte.p50_s", "tte.p90_s", "tte.p99_s", "ttr_s", "margin_s",
        "pool.remaining", "pool.limit", "pool.reserved", "pool.available", "pool.remaining_percent",
        "pool.utilization", "pool.provider", "pool.name", "pool.status", "pool.stale",
        "agent.id", "agent.burn_share", "identity.id", "identity.burn_share", "scope.id",
        "intent.urgency", "intent.expected_cost", "intent.workload",
        "budget.spent_usd", "budget.remaining_usd", "budget.limit_usd",
        "time.hour", "time.minute", "time.weekday",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The prefix of agent labels, given on the intent.</summary>
    public const string LabelPrefix = "agent.labels.";

    private readonly Expression _expression;

    private Condition(string text, Expression expression, IReadOnlyList<string> names)
    {
        Text = text;
        _expression = expression;
        Names = names;
    }

    /// <summary>The condition as written.</summary>
    public string Text { get; }

    /// <summary>The names it reads.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Compiles a condition; returns null with an error when it cannot be parsed, reads unknown names, or cannot
    /// decide (see <see cref="Probe"/>).
    /// </summary>
    public static Condition? TryCompile(string text, out string? error)
    {
        var expression = new Expression(Bracket(text), ExpressionOptions.NoCache);
        List<string> names;
        try
        {
            names = expression.GetParameterNames();
        }
        catch (Exception exception) when (exception is NCalc.Exceptions.NCalcException or ArgumentException)
        {
            error = $"condition '{text}' cannot be parsed: {Innermost(exception)}";

            return null;
        }

        var unknown = names.Where(n => !KnownNames.Contains(n) && !IsLabel(n)).ToList();
        if (unknown.Count > 0)
        {
            error = $"condition '{text}' reads unknown name(s) {string.Join(", ", unknown.Select(n => $"'{n}'"))}; " +
                "see docs/policy.md for the names a condition may read.";

            return null;
        }

        // Compiled is not enough: a call to a function that does not exist, a comparison of a number with a
        // string, or a sum where a test belongs only fail when evaluated, and a rule that can never fire would
        // let through what it was written to stop. Each is tried once on values of the right types.
        if (Probe(text, names) is { } failure)
        {
            error = $"condition '{text}' {failure}; see docs/policy.md for the language.";

            return null;
        }

        error = null;

        return new Condition(text, expression, names);
    }

    /// <summary>The names whose values are text; <c>pool.stale</c> is true or false; the rest are numbers.</summary>
    private static readonly FrozenSet<string> TextNames = new[]
    {
        "pool.provider", "pool.name", "pool.status", "agent.id", "identity.id", "scope.id", "intent.urgency",
        "intent.workload",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Evaluates the condition on sample values; returns why it cannot decide, or null when it can.</summary>
    private static string? Probe(string text, List<string> names)
    {
        var probe = new Expression(Bracket(text), ExpressionOptions.NoCache);
        foreach (var name in names)
        {
            probe.Parameters[name] = name == "pool.stale" ? false
                : TextNames.Contains(name) || IsLabel(name) ? "sample"
                : 1.0;
        }

        try
        {
            return probe.Evaluate() is bool ? null : "does not yield true or false";
        }
        catch (Exception exception) when (exception is NCalc.Exceptions.NCalcException or InvalidOperationException
            or ArgumentException or FormatException or InvalidCastException or NullReferenceException)
        {
            return $"cannot be evaluated: {Innermost(exception)}";
        }
    }

    /// <summary>Evaluates the condition against the given values; a condition that does not yield a boolean is false.</summary>
    public bool Evaluate(IReadOnlyDictionary<string, object?> values, out string? error)
    {
        _expression.Parameters.Clear();
        foreach (var name in Names)
        {
            _expression.Parameters[name] = values.TryGetValue(name, out var value) ? value : null;
        }

        try
        {
            error = null;

            return _expression.Evaluate() is true;
        }
        catch (Exception exception) when (exception is NCalc.Exceptions.NCalcException or InvalidOperationException
            or ArgumentException or FormatException or InvalidCastException or NullReferenceException)
        {
            error = Innermost(exception);

            return false;
        }
    }

    private static bool IsLabel(string name) =>
        name.StartsWith(LabelPrefix, StringComparison.Ordinal) && name.Length > LabelPrefix.Length;

    /// <summary>
    /// NCalc reads a dotted name only in brackets, so every bare dotted name outside a string
    /// literal is bracketed: <c>pool.remaining</c> becomes <c>[pool.remaining]</c>.
    /// </summary>
    private static string Bracket(string text)
    {
        var result = new StringBuilder(text.Length + 16);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                end = end < 0 ? text.Length - 1 : end;
                result.Append(text, i, end - i + 1);
                i = end + 1;
            }
            else if (c == '[')
            {
                var end = text.IndexOf(']', i + 1);
                end = end < 0 ? text.Length - 1 : end;
                result.Append(text, i, end - i + 1);
                i = end + 1;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                var word = text[start..i];
                result.Append(word.Contains('.', StringComparison.Ordinal) ? $"[{word}]" : word);
            }
            else
            {
                result.Append(c);
                i++;
            }
        }

        return result.ToString();
    }

    private static string Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception.Message;
    }
}
