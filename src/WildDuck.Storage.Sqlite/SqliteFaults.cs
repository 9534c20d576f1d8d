// SPDX-License-Identifier: MIT
using System;
using System.IO;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// The one place where SQLite's faults become <see cref="StorageError.Unavailable"/>: the database
/// is locked past the busy timeout, cannot be opened, is not a database, is damaged, read-only or
/// out of space, or the disk fails. Everything else (constraint violations, which the store maps
/// itself; SQL errors, which are bugs) passes through unchanged.
/// </summary>
internal static class SqliteFaults
{
    // Primary result codes, https://sqlite.org/rescode.html (the extended code's low byte).
    private const int Perm = 3;
    private const int Busy = 5;
    private const int Locked = 6;
    private const int NoMem = 7;
    private const int ReadOnly = 8;
    private const int IoErr = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Protocol = 15;
    private const int NotADatabase = 26;

    /// <summary>True when <paramref name="exception"/> is a fault of the database rather than of the request.</summary>
    public static bool IsUnavailable(SqliteException exception) => Reason(exception, string.Empty) is not null;

    /// <summary>
    /// <paramref name="exception"/> as an <see cref="StorageError.Unavailable"/> storage exception when
    /// it is a fault of the database or its files; otherwise <paramref name="exception"/> itself.
    /// </summary>
    public static Exception Translate(Exception exception, string path) => exception switch
    {
        SqliteException sqlite when Reason(sqlite, path) is { } reason => Unavailable(path, reason, sqlite),
        _ => exception,
    };

    /// <summary>The database's files cannot be reached at all (e.g. its directory cannot be created).</summary>
    public static StorageException Unavailable(string path, string reason, Exception inner) =>
        new(StorageError.Unavailable, "The SQLite database " + path + " is unavailable: " + reason + ".", inner);

    /// <summary>Why <paramref name="directory"/> could not be created, naming the culprit when part of the path is a file.</summary>
    public static string DirectoryProblem(string directory, Exception exception)
    {
        for (var ancestor = directory; !string.IsNullOrEmpty(ancestor); ancestor = Path.GetDirectoryName(ancestor))
        {
            if (File.Exists(ancestor))
            {
                return "its directory cannot be created, " + ancestor + " is a file";
            }
        }

        return "its directory cannot be created (" + exception.Message + ")";
    }

    private static string? Reason(SqliteException exception, string path) => (exception.SqliteExtendedErrorCode & 0xFF) switch
    {
        Busy or Locked => "it stayed locked by another connection for longer than the busy timeout",
        CantOpen when path.Length > 0 && Directory.Exists(path) => "the path is a directory, not a database file",
        CantOpen => "the file cannot be opened (its directory is missing or not writable, or access is denied)",
        NotADatabase => "the file is not an SQLite database",
        Corrupt => "the database file is corrupted",
        ReadOnly => "the database file is read-only",
        Full => "the disk is full",
        IoErr => "disk I/O error",
        Perm => "access denied",
        NoMem => "out of memory",
        Protocol => "file locking protocol error",
        _ => null,
    };
}
