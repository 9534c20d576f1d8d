// SPDX-License-Identifier: MIT
using System;
using Microsoft.Data.Sqlite;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// SQL functions that give search its exact RFC 3501 §6.4.4 semantics (case-insensitive
/// substring) where the trigram index alone cannot: strings shorter than three characters,
/// negated keys, and HEADER keys that must match one named field.
/// </summary>
internal static class SqliteFunctions
{
    public static void Register(SqliteConnection connection)
    {
        connection.CreateFunction<string?, string?, bool>("wd_contains", Contains, isDeterministic: true);
        connection.CreateFunction<string?, string?, string?, bool>("wd_header", HeaderContains, isDeterministic: true);
    }

    /// <summary>
    /// Case-insensitive substring test; an empty needle matches anything. The comparison is ordinal
    /// with simple case folding, like the FTS5 trigram index that prefilters required keys: a
    /// linguistic (ICU) comparison would also match canonically equivalent or ignorable characters
    /// (so "\u00AD" matched every message), and the answer would then depend on whether the key sat
    /// under OR/NOT (no prefilter) or not.
    /// </summary>
    public static bool Contains(string? haystack, string? needle)
    {
        if (string.IsNullOrEmpty(needle))
        {
            return true;
        }

        return haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// True when the "name: value" lines in <paramref name="headers"/> have a field named
    /// <paramref name="name"/> (case-insensitive) whose value contains <paramref name="value"/>.
    /// </summary>
    public static bool HeaderContains(string? headers, string? name, string? value)
    {
        if (headers is null || string.IsNullOrEmpty(name))
        {
            return false;
        }

        var span = headers.AsSpan();
        while (!span.IsEmpty)
        {
            var end = span.IndexOf('\n');
            var line = end < 0 ? span : span[..end];
            span = end < 0 ? ReadOnlySpan<char>.Empty : span[(end + 1)..];
            var colon = line.IndexOf(':');
            if (colon <= 0 || !line[..colon].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (string.IsNullOrEmpty(value) || line[(colon + 1)..].Contains(value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
