using System.Runtime.InteropServices;
using Mediator;
using Ratelord.Core.Commands;
using Ratelord.Core.Policies;
using Ratelord.Host.Logging;

namespace Ratelord.Host.Policies;

/// <summary>What the last attempt to load the policy file gave.</summary>
public sealed record PolicyLoadStatus(
    DateTimeOffset At,
    string Source,
    string Version,
    bool Accepted,
    IReadOnlyList<string> Errors);

/// <summary>
/// Loads the policy file, and reloads it on SIGHUP, on a change to the file, or when asked through
/// the API. A valid file takes effect for the next intent and records <c>policy_updated</c>; an
/// invalid one is refused whole with every error listed, the policy in force stays, and the
/// refusal is recorded as <c>policy_rejected</c>.
/// </summary>
public sealed class PolicyWatcher : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    private readonly string? _path;
    private readonly IMediator _mediator;
    private readonly TimeProvider _time;
    private readonly ILogger<PolicyWatcher> _logger;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly System.Threading.Channels.Channel<string> _triggers =
        System.Threading.Channels.Channel.CreateBounded<string>(1);

    public PolicyWatcher(PolicySource source, IMediator mediator, TimeProvider time, ILogger<PolicyWatcher> logger)
    {
        _path = source.Path;
        _mediator = mediator;
        _time = time;
        _logger = logger;
    }

    /// <summary>The outcome of the last load or reload; null when no policy file is configured.</summary>
    public PolicyLoadStatus? LastLoad { get; private set; }

    /// <summary>Reads and applies the file now. Returns the outcome; never throws for a bad file.</summary>
    public async Task<PolicyLoadStatus> ReloadAsync(string trigger, CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            throw new InvalidOperationException("No policy file is configured; start the daemon with --policy FILE.");
        }

        await _reloading.WaitAsync(cancellationToken);
        try
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(_path, cancellationToken);
            }
            catch (IOException exception)
            {
                return await RejectAsync(
                    PolicyParser.VersionOf(""),
                    [$"{_path}: cannot be read: {exception.Message}"],
                    cancellationToken);
            }

            PolicySet policy;
            try
            {
                policy = PolicyParser.Parse(text, _path);
            }
            catch (PolicyException exception)
            {
                return await RejectAsync(PolicyParser.VersionOf(text), exception.Errors, cancellationToken);
            }

            if (LastLoad is { Accepted: true } last && last.Version == policy.Version)
            {
                return last;
            }

            await _mediator.Send(new ApplyPolicy(policy), cancellationToken);
            HostLog.PolicyApplied(_logger, policy.Version, _path, trigger, policy.RuleCount);

            return LastLoad = new PolicyLoadStatus(_time.GetUtcNow(), _path, policy.Version, true, []);
        }
        finally
        {
            _reloading.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_path is null)
        {
            return;
        }

        var full = System.IO.Path.GetFullPath(_path);
        using var watcher = new FileSystemWatcher(
            System.IO.Path.GetDirectoryName(full)!,
            System.IO.Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite
                | NotifyFilters.Size
                | NotifyFilters.FileName
                | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => _triggers.Writer.TryWrite("file change");
        watcher.Created += (_, _) => _triggers.Writer.TryWrite("file change");
        watcher.Renamed += (_, _) => _triggers.Writer.TryWrite("file change");
        watcher.EnableRaisingEvents = true;
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // SIGHUP means reload, not terminate.
            context.Cancel = true;
            _triggers.Writer.TryWrite("SIGHUP");
        });

        await foreach (var trigger in _triggers.Reader.ReadAllAsync(stoppingToken))
        {
            // Editors write a file in several steps; wait for the writes to settle before reading it.
            await Task.Delay(Debounce, _time, stoppingToken);
            while (_triggers.Reader.TryRead(out _))
            {
            }

            try
            {
                await ReloadAsync(trigger, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                HostLog.PolicyReloadFailed(_logger, _path, exception);
            }
        }
    }

    private async Task<PolicyLoadStatus> RejectAsync(
        string version,
        IReadOnlyList<string> errors,
        CancellationToken cancellationToken)
    {
        await _mediator.Send(new RejectPolicy(_path!, version, errors), cancellationToken);
        HostLog.PolicyRejected(_logger, _path!, errors.Count, string.Join(" | ", errors));

        return LastLoad = new PolicyLoadStatus(_time.GetUtcNow(), _path!, version, false, errors);
    }

    public override void Dispose()
    {
        _reloading.Dispose();
        base.Dispose();
    }
}

/// <summary>Where the policy comes from: the configured file, or none.</summary>
public sealed record PolicySource(string? Path);
