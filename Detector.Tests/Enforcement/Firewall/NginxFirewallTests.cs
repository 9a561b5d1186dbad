using Detector.Configuration;
using Detector.Domain;
using Detector.Enforcement.Firewall;

namespace Detector.Tests.Enforcement.Firewall;

/// <summary>The nginx backend on a real directory, reloading through a recording process runner.</summary>
public sealed class NginxFirewallTests : IDisposable
{
    private const long Now = 1_777_472_669;
    private readonly string _dir = Directory.CreateTempSubdirectory("detector-nginx-fw-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private NginxBanOptions Options(int status = 403) => new() { Directory = Path.Combine(_dir, "bans"), Status = status };

    private static CommandExecutor Executor(RecordingProcessRunner runner) =>
        new(runner, new RetryPolicy(2, TimeSpan.Zero, TimeSpan.Zero), delay: (_, _) => Task.CompletedTask);

    private NginxFirewall Nginx(RecordingProcessRunner runner, NginxBanOptions? options = null)
    {
        options ??= Options();
        return new NginxFirewall(options, NginxReloads.From(options, Executor(runner)));
    }

    private static BanTarget Target(string ip) => BanTarget.For(IpKey.Parse(ip));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_burst_of_bans_is_one_write_and_one_reload_at_the_flush()
    {
        var runner = new RecordingProcessRunner();
        var nginx = Nginx(runner);

        for (var i = 1; i <= 50; i++) await nginx.BanAsync(Target($"203.0.113.{i}"), TimeSpan.FromMinutes(10), Ct);
        Assert.False(File.Exists(nginx.BansPath));
        Assert.Empty(runner.Commands);

        await nginx.FlushAsync(Ct);

        Assert.Equal(["nginx -s reload"], runner.Lines);
        Assert.Equal(50, (await nginx.ListAsync(Ct)).Count);
        Assert.Equal(NginxBanFile.RenderDeny(403), await File.ReadAllTextAsync(nginx.DenyPath, Ct));
        Assert.Equal(["bans.conf", "deny.conf"], Directory.GetFiles(Path.GetDirectoryName(nginx.BansPath)!).Select(Path.GetFileName).Order());
        // Nothing changed since: no write, no reload.
        var written = File.GetLastWriteTimeUtc(nginx.BansPath);
        await nginx.FlushAsync(Ct);
        Assert.Single(runner.Commands);
        Assert.Equal(written, File.GetLastWriteTimeUtc(nginx.BansPath));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task The_file_is_replaced_by_a_rename_so_nginx_never_reads_half_of_it()
    {
        var nginx = Nginx(new RecordingProcessRunner());
        await nginx.BanAsync(Target("203.0.113.9"), null, Ct);
        await nginx.FlushAsync(Ct);
        var before = new FileInfo(nginx.BansPath);
        var reader = File.OpenRead(nginx.BansPath); // what a reader holds open keeps the old text

        await nginx.BanAsync(Target("203.0.113.10"), null, Ct);
        await nginx.FlushAsync(Ct);

        using (var old = new StreamReader(reader)) Assert.DoesNotContain("203.0.113.10", await old.ReadToEndAsync(Ct));
        Assert.Contains("203.0.113.10/32 1;", await File.ReadAllTextAsync(nginx.BansPath, Ct));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(nginx.BansPath));
        Assert.True(before.Exists);
    }

    [Fact]
    public async Task A_failed_reload_is_thrown_and_tried_again_at_the_next_reconcile_though_the_file_is_written()
    {
        var failing = true;
        var runner = new RecordingProcessRunner(_ => failing ? new ProcessResult(1, "", "nginx: [emerg] unknown directive") : null);
        var nginx = Nginx(runner);
        await nginx.BanAsync(Target("203.0.113.9"), null, Ct);

        var error = await Assert.ThrowsAsync<FirewallCommandException>(() => nginx.FlushAsync(Ct));
        Assert.Contains("nginx -s reload exit 1: nginx: [emerg] unknown directive", error.Message);
        Assert.Contains("203.0.113.9/32 1;", await File.ReadAllTextAsync(nginx.BansPath, Ct));

        failing = false;
        var result = await nginx.ReconcileAsync([new DesiredBan(IpKey.Parse("203.0.113.9"), null)], Now, Ct);

        Assert.Equal((0, 0, 1), (result.Added, result.Removed, result.Size));
        Assert.Equal(3, runner.Commands.Count); // two failed attempts, then the reconcile's reload
    }

    [Fact]
    public async Task Reconcile_makes_the_file_the_desired_set_and_a_ban_before_it_keeps_what_the_file_held()
    {
        var runner = new RecordingProcessRunner();
        var first = Nginx(runner);
        await first.ReconcileAsync([new DesiredBan(IpKey.Parse("203.0.113.1"), Now + 600), new DesiredBan(IpKey.Parse("203.0.113.2"), Now + 5)], Now, Ct);

        // A restarted detector: its first ban comes before its first reconcile.
        var restarted = Nginx(runner);
        await restarted.BanAsync(Target("203.0.113.3"), null, Ct);
        await restarted.FlushAsync(Ct);
        Assert.Equal([Target("203.0.113.1"), Target("203.0.113.2"), Target("203.0.113.3")], await restarted.ListAsync(Ct));

        // Ten seconds later one ban has expired and a stray entry is in the file.
        await File.AppendAllTextAsync(restarted.BansPath, "    192.0.2.1/32 1;\n", Ct);
        var result = await restarted.ReconcileAsync(
            [new DesiredBan(IpKey.Parse("203.0.113.1"), Now + 600), new DesiredBan(IpKey.Parse("203.0.113.2"), Now + 5),
             new DesiredBan(IpKey.Parse("203.0.113.3"), null)], Now + 10, Ct);

        Assert.Equal((0, 2, 2), (result.Added, result.Removed, result.Size));
        Assert.Equal([Target("203.0.113.1"), Target("203.0.113.3")], await restarted.ListAsync(Ct));
        Assert.Equal(NginxBanFile.RenderBans([Target("203.0.113.1"), Target("203.0.113.3")]), await File.ReadAllTextAsync(restarted.BansPath, Ct));
        Assert.Equal(3, runner.Commands.Count);
    }

    [Fact]
    public async Task Reload_by_pid_file_refuses_a_file_that_is_not_a_process_id_or_names_another_program()
    {
        var pidFile = Path.Combine(_dir, "nginx.pid");
        var reload = new SignalReload(pidFile);

        var missing = await Assert.ThrowsAsync<NginxBackendException>(() => reload.ReloadAsync(Ct));
        Assert.Equal($"nginx reload: cannot read the pid file {pidFile}", missing.Message);

        await File.WriteAllTextAsync(pidFile, "1; rm -rf /\n", Ct);
        Assert.Equal($"nginx reload: the pid file {pidFile} does not hold a process id",
            (await Assert.ThrowsAsync<NginxBackendException>(() => reload.ReloadAsync(Ct))).Message);

        // This test process is no nginx: a stale pid file must never signal whatever has the id now.
        await File.WriteAllTextAsync(pidFile, $"{Environment.ProcessId}\n", Ct);
        Assert.Contains("not nginx", (await Assert.ThrowsAsync<NginxBackendException>(() => reload.ReloadAsync(Ct))).Message);
    }
}
