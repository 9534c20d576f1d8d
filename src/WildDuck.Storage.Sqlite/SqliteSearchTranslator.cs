// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using WildDuck.Storage.Search;

namespace WildDuck.Storage.Sqlite;

/// <summary>
/// Translates the search AST into one SQL condition over <c>messages m</c> joined with
/// <c>message_text mt</c>. String keys get the exact RFC 3501 §6.4.4 semantics from
/// <c>wd_contains</c>/<c>wd_header</c>; where a string key must hold for a match (not under NOT or
/// OR) and has at least three characters, the FTS5 trigram index narrows the candidates first.
/// </summary>
internal sealed class SqliteSearchTranslator
{
    /// <summary>Above this many ranges a UID set is passed as one JSON parameter.</summary>
    private const int MaxInlineRanges = 16;

    /// <summary>
    /// Deepest key nesting accepted. SQLite refuses expressions deeper than 1000; well before that a
    /// query is refused as invalid rather than surfacing a database error.
    /// </summary>
    public const int MaxDepth = 100;

    private readonly SqliteCommand _command;
    private readonly long _nowMs;
    private readonly StringBuilder _sql = new();
    private int _parameter;

    private SqliteSearchTranslator(SqliteCommand command, long nowMs)
    {
        _command = command;
        _nowMs = nowMs;
    }

    /// <summary>Appends the condition for <paramref name="key"/> and binds its parameters to <paramref name="command"/>.</summary>
    public static string Translate(SearchKey key, SqliteCommand command, long nowMs)
    {
        if (Depth(key, 0) > MaxDepth)
        {
            throw new StorageException(StorageError.Invalid, "The search query is nested too deeply.");
        }

        var translator = new SqliteSearchTranslator(command, nowMs);
        translator.Append(key, required: true);
        return translator._sql.ToString();
    }

    private static int Depth(SearchKey key, int depth)
    {
        if (depth > MaxDepth)
        {
            return depth;
        }

        switch (key)
        {
            case AndKey and:
                var max = depth + 1;
                foreach (var child in and.Keys)
                {
                    max = Math.Max(max, Depth(child, depth + 1));
                }

                return max;
            case OrKey or:
                return Math.Max(Depth(or.Left, depth + 1), Depth(or.Right, depth + 1));
            case NotKey not:
                return Depth(not.Key, depth + 1);
            default:
                return depth + 1;
        }
    }

    private void Append(SearchKey key, bool required)
    {
        switch (key)
        {
            case AllKey:
                _sql.Append('1');
                break;
            case AndKey and:
                if (and.Keys.Count == 0)
                {
                    _sql.Append('1');
                    break;
                }

                _sql.Append('(');
                for (var i = 0; i < and.Keys.Count; i++)
                {
                    if (i > 0)
                    {
                        _sql.Append(" AND ");
                    }

                    Append(and.Keys[i], required);
                }

                _sql.Append(')');
                break;
            case OrKey or:
                _sql.Append('(');
                Append(or.Left, required: false);
                _sql.Append(" OR ");
                Append(or.Right, required: false);
                _sql.Append(')');
                break;
            case NotKey not:
                _sql.Append("NOT (");
                Append(not.Key, required: false);
                _sql.Append(')');
                break;
            case FlagKey flag:
                _sql.Append("(m.flags & ").Append((int)flag.Flag).Append(flag.IsSet ? ") != 0" : ") = 0");
                break;
            case KeywordKey keyword:
                _sql.Append("instr(lower(m.keywords), ").Append(Bind("\n" + keyword.Keyword.ToLowerInvariant() + "\n")).Append(keyword.IsSet ? ") > 0" : ") = 0");
                break;
            case RecentKey recent:
                // The store keeps no \Recent state (see docs/storage.md): nothing is recent, so
                // RECENT and NEW match nothing and OLD matches everything.
                _sql.Append(recent.Kind == RecentKind.Old ? "1" : "0");
                break;
            case HeaderKey header:
                AppendContains(ColumnOf(header.Field), header.Value, required);
                break;
            case HeaderFieldKey field:
                if (required && IsIndexable(field.Value))
                {
                    AppendFtsFilter("headers", field.Value);
                    _sql.Append(" AND ");
                }

                _sql.Append("wd_header(mt.headers, ").Append(Bind(field.Name)).Append(", ").Append(Bind(field.Value)).Append(')');
                break;
            case TextKey text:
                if (text.IncludeHeaders)
                {
                    if (required && IsIndexable(text.Value))
                    {
                        AppendFtsFilter("{headers body}", text.Value);
                        _sql.Append(" AND ");
                    }

                    var p = Bind(text.Value);
                    _sql.Append("(wd_contains(mt.headers, ").Append(p).Append(") OR wd_contains(mt.body, ").Append(p).Append("))");
                }
                else
                {
                    AppendContains("body", text.Value, required);
                }

                break;
            case DateKey date:
                AppendDate(date);
                break;
            case WithinKey within:
                var cutoff = _nowMs - (within.Seconds * 1000);
                _sql.Append(within.Older ? "m.internal_date < " : "m.internal_date >= ").Append(Bind(cutoff));
                break;
            case SizeKey size:
                _sql.Append(size.Larger ? "m.size > " : "m.size < ").Append(Bind(size.Size));
                break;
            case UidKey uid:
                AppendUids(uid.Uids);
                break;
            case ModSeqKey modseq:
                _sql.Append("m.modseq >= ").Append(Bind(modseq.ModSeq));
                break;
            case AttachmentKey attachment:
                _sql.Append(attachment.HasAttachments ? "m.has_attachments != 0" : "m.has_attachments = 0");
                break;
            case ThreadKey thread:
                _sql.Append("m.thread_id = ").Append(Bind(thread.Thread.ToByteArray()));
                break;
            default:
                throw new StorageException(StorageError.Invalid, "Unsupported search key " + key.GetType().Name + ".");
        }
    }

    private static string ColumnOf(AddressField field) => field switch
    {
        AddressField.From => "from_text",
        AddressField.To => "to_text",
        AddressField.Cc => "cc_text",
        AddressField.Bcc => "bcc_text",
        _ => "subject",
    };

    private void AppendContains(string column, string value, bool required)
    {
        if (required && IsIndexable(value))
        {
            AppendFtsFilter(column, value);
            _sql.Append(" AND ");
        }

        _sql.Append("wd_contains(mt.").Append(column).Append(", ").Append(Bind(value)).Append(')');
    }

    /// <summary>
    /// True when the trigram index can answer a substring query for <paramref name="value"/>: FTS5
    /// counts Unicode characters, and a phrase of fewer than three matches no row at all — so a
    /// UTF-16 length (which counts a character outside the BMP twice) is not the right test.
    /// </summary>
    private static bool IsIndexable(string value)
    {
        if (value.Length < 3)
        {
            return false;
        }

        var characters = 0;
        var runes = value.EnumerateRunes();
        while (characters < 3 && runes.MoveNext())
        {
            characters++;
        }

        return characters >= 3;
    }

    private void AppendFtsFilter(string columns, string value)
    {
        // An FTS5 phrase of a trigram table matches the exact (case-folded) substring.
        var phrase = "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        // Rows still queued for the index (schema version 4) are candidates too; the exact
        // predicate that always follows decides for them as for the others.
        _sql.Append("(m.rid IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ").Append(Bind(columns + " : " + phrase)).Append(") OR m.rid IN (SELECT rid FROM search_pending))");
    }

    private void AppendDate(DateKey date)
    {
        // RFC 3501 §6.4.4 compares dates "disregarding time and timezone": the calendar date
        // of each value in its own zone.
        var (ms, tz) = date.Field == DateField.Internal ? ("m.internal_date", "m.internal_tz") : ("m.header_date", "m.header_tz");
        // Floor division: SQLite's integer division truncates toward zero, which would put
        // instants before 1970 on the wrong second.
        _sql.Append("date(((").Append(ms).Append(" - ((").Append(ms).Append(" % 1000) + 1000) % 1000) / 1000) + ").Append(tz).Append(" * 60, 'unixepoch')");
        _sql.Append(date.Comparison switch
        {
            DateComparison.Before => " < ",
            DateComparison.On => " = ",
            _ => " >= ",
        });
        _sql.Append(Bind(date.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
    }

    private void AppendUids(UidSet uids)
    {
        var ranges = uids.Ranges;
        if (ranges.Length == 0)
        {
            _sql.Append('0');
            return;
        }

        if (ranges.Length <= MaxInlineRanges)
        {
            _sql.Append('(');
            for (var i = 0; i < ranges.Length; i++)
            {
                if (i > 0)
                {
                    _sql.Append(" OR ");
                }

                _sql.Append("m.uid BETWEEN ").Append(ranges[i].First).Append(" AND ").Append(ranges[i].Last);
            }

            _sql.Append(')');
            return;
        }

        var json = new StringBuilder("[");
        for (var i = 0; i < ranges.Length; i++)
        {
            json.Append(i > 0 ? ",[" : "[").Append(ranges[i].First).Append(',').Append(ranges[i].Last).Append(']');
        }

        json.Append(']');
        _sql.Append("EXISTS (SELECT 1 FROM json_each(").Append(Bind(json.ToString())).Append(") WHERE m.uid BETWEEN json_extract(value, '$[0]') AND json_extract(value, '$[1]'))");
    }

    private string Bind(object value)
    {
        var name = "$s" + _parameter.ToString(CultureInfo.InvariantCulture);
        _parameter++;
        _command.Parameters.AddWithValue(name, value);
        return name;
    }
}
