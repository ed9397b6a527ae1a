namespace Ratelord.Core.Providers;

/// <summary>
/// Reads the IETF RateLimit headers: the <c>RateLimit-Policy</c> and <c>RateLimit</c> pair of
/// draft 08 and later (named policies with <c>q</c>, <c>w</c>, <c>r</c> and <c>t</c>), and the
/// older <c>RateLimit-Limit</c>, <c>-Remaining</c> and <c>-Reset</c> trio, whose reset is a delay.
/// </summary>
public sealed class IetfParser : IRateLimitParser
{
    /// <summary>The pool of a policy without a name, and of the trio, which cannot name one.</summary>
    private const string DefaultPool = "default";

    private static readonly string[] TrioNames = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

    /// <inheritdoc />
    public string Family => "ietf";

    /// <inheritdoc />
    public bool CanRead(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        return response.HasHeader("RateLimit-Policy")
            || response.HasHeader("RateLimit")
            || TrioNames.Any(response.HasHeader);
    }

    /// <inheritdoc />
    public ProviderReading Read(ProviderResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var date = ResetValues.ResponseDate(response);

        var pools = StructuredPools(response, date);
        if (TrioNames.Any(response.HasHeader) && pools.TrueForAll(p => p.Pool != DefaultPool))
        {
            var (limit, window) = ResponseValues.PolicyLimit(response, "RateLimit-Limit");
            var remaining = ResponseValues.LowestNumber(response, "RateLimit-Remaining");
            var reset = ResetValues.FromNumber(ResponseValues.HighestNumber(response, "RateLimit-Reset"), date);

            pools.Add(new PoolReading(DefaultPool, limit, remaining, null, reset, window));
        }

        var retryAfter = ResetValues.RetryAfter(response, date);
        var limited = response.Status == 429;

        return ResetValues.Conclude(Family, date, limited, retryAfter, pools);
    }

    /// <summary>
    /// One pool per policy name across both fields: the policy gives the quota and window, the
    /// RateLimit field what is left and when it resets.
    /// </summary>
    /// <remarks>
    /// A name listed twice is read as the most conservative of its members (lowest quota and
    /// remaining, longest window and reset). Draft 07 is read too: its policies are bare quotas
    /// (<c>100;w=10</c>) and its RateLimit field a dictionary of <c>limit</c>, <c>remaining</c> and
    /// <c>reset</c>, all of one unnamed policy.
    /// </remarks>
    private static List<PoolReading> StructuredPools(ProviderResponse response, DateTimeOffset? date)
    {
        var members = ResponseValues.List(response, "RateLimit-Policy")
            .Concat(ResponseValues.List(response, "RateLimit"));

        var pools = new List<PoolReading>();
        foreach (var policy in members.GroupBy(PoolName, StringComparer.Ordinal))
        {
            var quota = Numbers(policy.Select(m => Stated(m, "q", "limit") ?? (m.Numeric ? m.Name : null)));
            var remaining = Numbers(policy.Select(m => Stated(m, "r", "remaining")));
            var reset = Numbers(policy.Select(m => Stated(m, "t", "reset")));
            var window = Numbers(policy.Select(m => Stated(m, "w")));

            pools.Add(new PoolReading(
                policy.Key,
                ResponseValues.Lowest(quota),
                ResponseValues.Lowest(remaining),
                null,
                ResetValues.FromNumber(ResponseValues.Highest(reset), date),
                ResponseValues.Highest(window)));
        }

        return pools;
    }

    private static string PoolName(ResponseValues.ListMember member) =>
        member.Numeric || member.Name.Length == 0 ? DefaultPool : member.Name;

    /// <summary>The member's value for the first of the keys it states, or null when it states none.</summary>
    private static string? Stated(ResponseValues.ListMember member, params string[] keys) =>
        keys.Where(member.Parameters.ContainsKey).Select(key => member.Parameters[key]).FirstOrDefault();

    /// <summary>
    /// The stated values as numbers; a member that does not mention the value says nothing about it,
    /// while one that states garbage makes it unknown.
    /// </summary>
    private static IEnumerable<double?> Numbers(IEnumerable<string?> stated) =>
        stated.OfType<string>().Select(value => ResponseValues.Number(value));
}
