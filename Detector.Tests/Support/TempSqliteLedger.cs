using Detector.Enforcement.Persistence;
using Microsoft.Data.Sqlite;

namespace Detector.Tests.Support;

/// <summary>A SQLite ledger file in a fresh temporary directory, deleted with it.</summary>
public sealed class TempSqliteLedger : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("detector-ledger-");

    public string DataDir => _dir.FullName;
    public string DatabasePath => Path.Combine(_dir.FullName, LedgerPersistence.DatabaseFileName);

    public LedgerPersistence Persistence(int snapshotEvery = 1000) =>
        LedgerPersistence.SqliteInDataDir(_dir.FullName) with { SnapshotEvery = snapshotEvery };

    /// <summary>Rows in one of the plugin's tables (journal, snapshot); 0 before the plugin created it.</summary>
    public long Count(string table)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $table";
        command.Parameters.AddWithValue("$table", table);
        if ((long)command.ExecuteScalar()! == 0) return 0;
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }

    public string JournalMode()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return (string)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle the plugin still holds; the OS temp cleaner gets it.
        }
    }
}
