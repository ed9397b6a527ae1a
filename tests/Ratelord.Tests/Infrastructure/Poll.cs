namespace Ratelord.Tests.Infrastructure;

/// <summary>Waits for something observable, with a deadline, instead of sleeping for a guessed time.</summary>
public static class Poll
{
    /// <summary>The deadline used when a test does not name one; generous, since CI machines are slow.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Asks <paramref name="condition"/> until it holds; at the deadline, fails naming <paramref name="what"/>.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? DefaultDeadline);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(Interval, CancellationToken.None);
        }
    }

    /// <summary>As <see cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?)"/> for a condition without I/O.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, deadline);

    /// <summary>
    /// Reads <paramref name="read"/> until <paramref name="accept"/> holds for what it returned, and returns that;
    /// at the deadline, fails naming <paramref name="what"/>.
    /// </summary>
    public static async Task<T> ForAsync<T>(
        Func<Task<T>> read,
        Func<T, bool> accept,
        string what,
        TimeSpan? deadline = null)
    {
        var value = default(T)!;
        await UntilAsync(
            async () =>
            {
                value = await read();

                return accept(value);
            },
            what,
            deadline);

        return value;
    }
}
