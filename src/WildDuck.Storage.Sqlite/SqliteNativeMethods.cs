// SPDX-License-Identifier: MIT
using System;
using System.Runtime.InteropServices;

namespace WildDuck.Storage.Sqlite;

/// <summary>SQLite C API calls that SQLitePCL <c>raw</c> does not expose.</summary>
internal static class SqliteNativeMethods
{
    // https://sqlite.org/c3ref/c_fcntl_begin_atomic_write.html
    private const int FileControlHasMoved = 20;

    /// <summary>
    /// SQLITE_FCNTL_HAS_MOVED: true when the main database file of <paramref name="db"/> was
    /// renamed, moved or deleted since the connection opened it (one stat of the path).
    /// </summary>
    public static bool HasMoved(SQLitePCL.sqlite3 db)
    {
        var moved = 0;
        var rc = FileControl(db.DangerousGetHandle(), IntPtr.Zero, FileControlHasMoved, ref moved);
        return rc == SQLitePCL.raw.SQLITE_OK && moved != 0;
    }

    // The library the bundled provider (SQLitePCLRaw.provider.e_sqlite3) binds to.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control", CallingConvention = CallingConvention.Cdecl)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FileControl(IntPtr db, IntPtr databaseName, int operation, ref int argument);
}
