using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace Detector.Enforcement.Persistence;

/// <summary>
/// Where the offender ledger's journal and snapshots live. The daemon keeps them in SQLite in the data dir;
/// replay and most tests keep them in memory, so an analysis never sees (or changes) a daemon's history.
/// </summary>
public abstract record LedgerPersistence
{
    public const string DatabaseFileName = "detector.db";

    /// <summary>A snapshot is taken after this many events; older events and snapshots are then deleted.</summary>
    public int SnapshotEvery { get; init; } = 1000;

    public static LedgerPersistence InMemory() => new InMemoryLedger();

    public static LedgerPersistence Sqlite(string path) => new SqliteLedger(Path.GetFullPath(path));

    /// <summary><c>&lt;dataDir&gt;/detector.db</c>.</summary>
    public static LedgerPersistence SqliteInDataDir(string dataDir) => Sqlite(Path.Combine(dataDir, DatabaseFileName));
}

public sealed record InMemoryLedger : LedgerPersistence;

/// <summary>Akka.Persistence.Sql over Microsoft.Data.Sqlite, one file, WAL journal mode.</summary>
public sealed record SqliteLedger(string Path) : LedgerPersistence
{
    public const string ProviderName = "SQLite.MS";

    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path }.ToString();

    /// <summary>
    /// Creates the file (and its directory) and switches it to WAL. The mode is stored in the file, so every
    /// later connection, the plugin's included, gets it: readers do not block the journal's writes.
    /// </summary>
    public void EnableWriteAheadLog()
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite file '{Path}' did not switch to WAL journal mode (it reports '{mode}').");
    }

    /// <summary>
    /// HOCON for the SQL journal and snapshot store on this file (no typed API exists for them). Plugin
    /// <c>class</c> keys are given explicitly; the plugin's defaults are added as a fallback by the caller.
    /// </summary>
    public Config PluginConfig()
    {
        var connection = Quote(ConnectionString);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = "{{ProviderName}}"
                  auto-initialize = on
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = "{{ProviderName}}"
                  auto-initialize = on
                }
              }
            }
            """);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
