using System.Text;
using Detector.Configuration;

namespace Detector.Enforcement.Firewall;

/// <summary>
/// Bans answered by Nginx itself: <c>bans.conf</c> (a <c>geo</c> of the banned client addresses and prefixes) and
/// <c>deny.conf</c> (<c>if ($detector_banned) { return 403; }</c>) in <c>Nginx:Directory</c>, rendered by
/// <see cref="NginxBanFile"/>. Nginx matches the client address after <c>real_ip</c>, so this works behind a CDN or a
/// load balancer, where a kernel ban would only see (and cut off) the proxy. The files are the desired set: a flush or
/// reconcile writes a file whole, atomically (a temporary file in the same directory renamed over it), only when its
/// text changed, and reloads Nginx only when what Nginx last loaded differs. Nginx entries have no timeout: the
/// ledger's unbans remove them, and a reconcile drops what expired.
/// </summary>
public sealed class NginxFirewall : IBatchedFirewall
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private const UnixFileMode ReadableByNginx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly NginxBanOptions _options;
    private readonly INginxReload _reload;
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Null until first used: then what bans.conf held, so a ban before the first reconcile keeps the others.
    private HashSet<BanTarget>? _set;
    // What Nginx last reloaded with (NginxBanFile.Loaded); null after a start, so the first flush reloads once.
    private string? _loaded;

    public NginxFirewall(NginxBanOptions options, INginxReload reload)
    {
        _options = options;
        _reload = reload;
    }

    public INginxReload Reload => _reload;

    public string Name => FirewallBackend.Nginx.Name();
    public FirewallStats Stats { get; } = new(FirewallBackend.Nginx.Name());
    public TimeSpan FlushDelay => TimeSpan.FromMilliseconds(_options.ReloadDelayMs);

    public string BansPath => Path.Combine(_options.Directory, NginxBanFile.BansFile);
    public string DenyPath => Path.Combine(_options.Directory, NginxBanFile.DenyFile);

    /// <summary>Creates the directory and writes both files (reloading Nginx when they changed).</summary>
    public Task PrepareAsync(CancellationToken cancellationToken = default) => FlushAsync(cancellationToken);

    public async Task BanAsync(BanTarget target, TimeSpan? duration, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try { Set().Add(target); }
        finally { _gate.Release(); }
    }

    public async Task UnbanAsync(BanTarget target, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try { Set().Remove(target); }
        finally { _gate.Release(); }
    }

    /// <summary>What bans.conf holds on disk.</summary>
    public Task<IReadOnlyList<BanTarget>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(NginxBanFile.ParseBans(ReadOrNull(BansPath) ?? ""));

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try { await FlushLockedAsync(cancellationToken); }
        finally { _gate.Release(); }
    }

    public async Task<ReconcileResult> ReconcileAsync(IReadOnlyCollection<DesiredBan> desired, long now, CancellationToken cancellationToken = default)
    {
        var wanted = Reconciliation.DesiredTargets(desired, now);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var diff = Reconciliation.Diff(wanted, NginxBanFile.ParseBans(ReadOrNull(BansPath) ?? "").ToHashSet());
            _set = wanted.Keys.ToHashSet();
            await FlushLockedAsync(cancellationToken);
            return new ReconcileResult(diff.ToAdd.Count, diff.ToRemove.Count, _set.Count);
        }
        finally { _gate.Release(); }
    }

    private HashSet<BanTarget> Set() => _set ??= NginxBanFile.ParseBans(ReadOrNull(BansPath) ?? "").ToHashSet();

    private async Task FlushLockedAsync(CancellationToken cancellationToken)
    {
        var bans = NginxBanFile.RenderBans(Set());
        var deny = NginxBanFile.RenderDeny(_options.Status);
        var plan = NginxBanFile.Plan(bans, ReadOrNull(BansPath), deny, ReadOrNull(DenyPath), _loaded);
        if (plan.WriteBans || plan.WriteDeny) Directory.CreateDirectory(_options.Directory);
        // deny.conf names the variable bans.conf defines: bans first, so Nginx never sees deny without it.
        if (plan.WriteBans) await WriteAtomicallyAsync(BansPath, bans, cancellationToken);
        if (plan.WriteDeny) await WriteAtomicallyAsync(DenyPath, deny, cancellationToken);
        if (!plan.Reload) return;
        await _reload.ReloadAsync(cancellationToken);
        _loaded = NginxBanFile.Loaded(bans, deny);
    }

    /// <summary>A temporary file in the same directory (a dot name no <c>*.conf</c> include matches), synced, then renamed
    /// over the file: Nginx reads the old file or the new one, never half of one.</summary>
    private static async Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                await stream.WriteAsync(Utf8.GetBytes(text), cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            // Nginx's master reads it whatever the detector's umask.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, ReadableByNginx);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new NginxBackendException($"nginx: cannot write {path}: {e.Message}");
        }
    }

    private static string? ReadOrNull(string path)
    {
        try { return File.ReadAllText(path, Utf8); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
