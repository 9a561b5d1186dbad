using Detector.Host.Composition;
using Detector.Host.Verbs;
using Detector.Tests.Support;

namespace Detector.Tests.Host.Composition;

/// <summary>A data directory the daemon cannot write stops <c>run</c> before anything starts, with the path and the
/// cause on standard error and exit code 73, not an unhandled SQLite exception.</summary>
public sealed class DataDirectoryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-datadir-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<(int Exit, string Error)> RunAsync(string dataDir)
    {
        var options = TestOptions.DryRun(dataDir);
        options.Log.Path = Path.Combine(_dir.FullName, "access.log");
        var error = new StringWriter();
        var exit = await RunCommand.RunAsync(options, TextWriter.Null, TestContext.Current.CancellationToken, error);
        return (exit, error.ToString());
    }

    [Fact]
    public async Task A_data_dir_that_cannot_be_created_is_named_with_its_cause()
    {
        var file = Path.Combine(_dir.FullName, "not-a-directory");
        await File.WriteAllTextAsync(file, "", TestContext.Current.CancellationToken);
        var dataDir = Path.Combine(file, "data");

        var (exit, error) = await RunAsync(dataDir);

        Assert.Equal(DataDirectory.CannotWriteExitCode, exit);
        Assert.StartsWith($"cannot start: data directory '{dataDir}' (Detector:DataDir) is not writable: ", error);
    }

    [Fact]
    public async Task A_ledger_that_cannot_be_opened_is_named_with_SQLites_reason()
    {
        var dataDir = Path.Combine(_dir.FullName, "data");
        Directory.CreateDirectory(Path.Combine(dataDir, "detector.db")); // a directory where the database file belongs

        var (exit, error) = await RunAsync(dataDir);

        Assert.Equal(DataDirectory.CannotWriteExitCode, exit);
        Assert.StartsWith($"cannot start: ledger '{Path.Combine(dataDir, "detector.db")}' cannot be opened for writing: ", error);
        Assert.Contains("unable to open database file", error);
    }

    [Fact]
    public async Task An_audit_log_that_cannot_be_written_is_named()
    {
        var dataDir = Path.Combine(_dir.FullName, "data");
        Directory.CreateDirectory(Path.Combine(dataDir, "audit.log"));

        var (exit, error) = await RunAsync(dataDir);

        Assert.Equal(DataDirectory.CannotWriteExitCode, exit);
        Assert.StartsWith($"cannot start: audit log '{Path.Combine(dataDir, "audit.log")}' (Detector:Audit:Path) cannot be written: ", error);
    }

    [Fact]
    public void A_writable_data_dir_passes_and_gets_its_ledger_in_WAL_mode()
    {
        var options = TestOptions.DryRun(Path.Combine(_dir.FullName, "fresh"));

        Assert.Null(DataDirectory.Check(options));
        Assert.True(File.Exists(Path.Combine(options.DataDir, "detector.db")));
        Assert.Empty(Directory.GetFiles(options.DataDir, ".write-probe-*"));
    }
}
