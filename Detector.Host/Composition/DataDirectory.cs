using Detector.Configuration;
using Detector.Enforcement.Persistence;
using Microsoft.Data.Sqlite;

namespace Detector.Host.Composition;

/// <summary>Whether the daemon can keep its state where it is told to, checked before anything starts: an unwritable
/// data directory is an operator's problem to fix, and must say which path and why, not surface later as an
/// unhandled SQLite error.</summary>
public static class DataDirectory
{
    /// <summary>Exit code of <c>run</c> when its data directory or audit log cannot be written (sysexits EX_CANTCREAT).</summary>
    public const int CannotWriteExitCode = 73;

    /// <summary>Creates the data directory, writes and removes a probe file, opens the ledger (switching it to WAL)
    /// and the audit log for appending. Null when all of that works; otherwise one line naming the path and the cause.</summary>
    public static string? Check(DetectorOptions options)
    {
        var dataDir = Path.GetFullPath(options.DataDir);
        try
        {
            Directory.CreateDirectory(dataDir);
            var probe = Path.Combine(dataDir, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"data directory '{dataDir}' (Detector:DataDir) is not writable: {e.Message}";
        }

        var ledger = (SqliteLedger)LedgerPersistence.SqliteInDataDir(dataDir);
        try
        {
            ledger.EnableWriteAheadLog();
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"ledger '{ledger.Path}' cannot be opened for writing: {e.Message}";
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }

        var audit = Path.GetFullPath(DetectorServices.AuditPath(options));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(audit)!);
            using var _ = new FileStream(audit, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"audit log '{audit}' (Detector:Audit:Path) cannot be written: {e.Message}";
        }
        return null;
    }
}
