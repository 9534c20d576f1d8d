// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using MongoDB.Bson;
using WildDuck.Storage.Search;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// Compiles the search AST into one MongoDB filter over <c>messages</c>, evaluated entirely in the
/// database (docs/storage.md, "Search"). Flags, keywords, dates, sizes, UIDs and MODSEQ compare
/// stored fields; string keys are unanchored regular expressions of the escaped, case-folded
/// needle over the case-folded search text (<see cref="Fold"/>), i.e. an ordinal substring test with the same case
/// folding as <see cref="StringComparison.OrdinalIgnoreCase"/> (RFC 3501 §6.4.4). NOT is
/// <c>$nor</c> and OR is <c>$or</c> at any depth: unlike WildDuck, nothing degrades under them.
/// </summary>
internal static class MongoSearchTranslator
{
    /// <summary>
    /// Deepest key nesting accepted. Every NOT/OR/AND level adds two BSON levels (a document and an
    /// array) and MongoDB refuses documents nested deeper than 100 levels, so deeper queries are
    /// refused as invalid here rather than surfacing a server error.
    /// </summary>
    public const int MaxDepth = 40;

    /// <summary>Matches every document.</summary>
    public static BsonDocument MatchAll => new();

    /// <summary>Matches no document (every document has an <c>_id</c>).</summary>
    public static BsonDocument MatchNone => new("_id", new BsonDocument("$exists", false));

    /// <summary>The whole query: the mailbox, then the condition (omitted when it matches everything).</summary>
    public static BsonDocument Query(ObjectId mailbox, SearchKey key, DateTimeOffset now)
    {
        var condition = Translate(key, now);
        var query = new BsonDocument("mailbox", mailbox);
        if (condition.ElementCount > 0)
        {
            query.Add("$and", new BsonArray { condition });
        }

        return query;
    }

    /// <summary>The condition for <paramref name="key"/>; <paramref name="now"/> anchors OLDER/YOUNGER.</summary>
    public static BsonDocument Translate(SearchKey key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Compile(key, now.ToUnixTimeMilliseconds(), 1);
    }

    private static BsonDocument Compile(SearchKey key, long nowMs, int level)
    {
        if (level > MaxDepth)
        {
            throw new StorageException(StorageError.Invalid, "The search query is nested too deeply.");
        }

        var next = level + 1;
        switch (key)
        {
            case AllKey:
                return MatchAll;
            case AndKey and:
                return And(and.Keys, nowMs, next);
            case OrKey or:
                return Or(Compile(or.Left, nowMs, next), Compile(or.Right, nowMs, next));
            case NotKey not:
                return Not(Compile(not.Key, nowMs, next));
            case FlagKey flag:
                return Flag(flag.Flag, flag.IsSet);
            case KeywordKey keyword:
                // Keywords are stored in their first spelling and compare case-insensitively; they
                // are ASCII atoms, so the regex's ASCII case folding is exact.
                var exact = new BsonRegularExpression("^" + EscapeRegex(keyword.Keyword) + "$", "i");
                return keyword.IsSet
                    ? new BsonDocument("flags", exact)
                    : new BsonDocument("flags", new BsonDocument("$not", exact));
            case RecentKey recent:
                // No \Recent state is kept (docs/storage.md): RECENT and NEW match nothing, OLD everything.
                return recent.Kind == RecentKind.Old ? MatchAll : MatchNone;
            case HeaderKey header:
                return Contains("search." + FieldOf(header.Field), header.Value);
            case HeaderFieldKey field:
                return HeaderField(field.Name, field.Value);
            case TextKey text:
                if (!text.IncludeHeaders)
                {
                    return Contains("search.body", text.Value);
                }

                if (text.Value.Length == 0)
                {
                    return MatchAll;
                }

                return Or(Contains("search.headers", text.Value), Contains("search.body", text.Value));
            case DateKey date:
                return Date(date);
            case WithinKey within:
                var cutoff = new BsonDateTime(nowMs - (within.Seconds * 1000));
                return new BsonDocument("idate", new BsonDocument(within.Older ? "$lt" : "$gte", cutoff));
            case SizeKey size:
                return new BsonDocument("size", new BsonDocument(size.Larger ? "$gt" : "$lt", size.Size));
            case UidKey uid:
                return Uids(uid.Uids);
            case ModSeqKey modseq:
                return new BsonDocument("modseq", new BsonDocument("$gte", modseq.ModSeq));
            case AttachmentKey attachment:
                // WildDuck's own field and index (mailbox, ha): documents without ha have none.
                return attachment.HasAttachments ? new BsonDocument("ha", true) : new BsonDocument("ha", new BsonDocument("$ne", true));
            case ThreadKey thread:
                return new BsonDocument("thread", MongoIds.ToObjectId(thread.Thread));
            default:
                throw new StorageException(StorageError.Invalid, "Unsupported search key " + key.GetType().Name + ".");
        }
    }

    private static BsonDocument And(IReadOnlyList<SearchKey> keys, long nowMs, int level)
    {
        var parts = new BsonArray();
        foreach (var key in keys)
        {
            var part = Compile(key, nowMs, level);
            if (part.ElementCount > 0)
            {
                parts.Add(part);
            }
        }

        return parts.Count switch
        {
            0 => MatchAll,
            1 => parts[0].AsBsonDocument,
            _ => new BsonDocument("$and", parts),
        };
    }

    /// <summary><c>$or</c> of two conditions; a side that matches everything makes the whole match everything.</summary>
    private static BsonDocument Or(BsonDocument left, BsonDocument right) =>
        left.ElementCount == 0 || right.ElementCount == 0 ? MatchAll : new BsonDocument("$or", new BsonArray { left, right });

    /// <summary><c>$nor</c> of a condition; NOT of "everything" is "nothing" (no empty document under <c>$nor</c>).</summary>
    private static BsonDocument Not(BsonDocument condition) =>
        condition.ElementCount == 0 ? MatchNone : new BsonDocument("$nor", new BsonArray { condition });

    /// <summary>System flags use WildDuck's denormalised booleans where there is one, else <c>flags</c>.</summary>
    internal static BsonDocument Flag(MessageFlags flag, bool isSet) => flag switch
    {
        MessageFlags.Seen => new BsonDocument("unseen", !isSet),
        MessageFlags.Deleted => new BsonDocument("undeleted", !isSet),
        MessageFlags.Flagged => new BsonDocument("flagged", isSet),
        MessageFlags.Draft => new BsonDocument("draft", isSet),
        _ => FlagName(flag) is { } name
            ? (isSet ? new BsonDocument("flags", name) : new BsonDocument("flags", new BsonDocument("$ne", name)))
            : (isSet ? MatchNone : MatchAll),
    };

    private static string? FlagName(MessageFlags flag)
    {
        foreach (var name in Flags.Names(flag))
        {
            return name;
        }

        return null;
    }

    private static string FieldOf(AddressField field) => field switch
    {
        AddressField.From => "from",
        AddressField.To => "to",
        AddressField.Cc => "cc",
        AddressField.Bcc => "bcc",
        _ => "subject",
    };

    /// <summary>Case-insensitive substring of a stored folded text; an empty needle matches anything.</summary>
    internal static BsonDocument Contains(string field, string value)
    {
        if (value.Length == 0)
        {
            return MatchAll;
        }

        return Needle(value) is { } regex ? new BsonDocument(field, regex) : MatchNone;
    }

    /// <summary>
    /// HEADER name value: a stored field with that (trimmed, case-folded) name whose value
    /// contains the string; an empty string tests presence. An empty name matches nothing.
    /// </summary>
    internal static BsonDocument HeaderField(string name, string value)
    {
        if (name.Length == 0)
        {
            return MatchNone;
        }

        var key = Fold(name);
        if (value.Length == 0)
        {
            return new BsonDocument("search.fields.k", key);
        }

        if (Needle(value) is not { } regex)
        {
            return MatchNone;
        }

        return new BsonDocument("search.fields", new BsonDocument("$elemMatch", new BsonDocument { { "k", key }, { "v", regex } }));
    }

    /// <summary>
    /// The unanchored regex for a needle, or null when the needle is not well-formed UTF-16 (stored
    /// text has its lone surrogates replaced, so none contains one).
    /// </summary>
    private static BsonRegularExpression? Needle(string value)
    {
        if (!MessageMapping.IsWellFormed(value))
        {
            return null;
        }

        var pattern = EscapeRegex(Fold(value));
        if (System.Text.Encoding.UTF8.GetByteCount(pattern) > MaxPatternBytes)
        {
            throw new StorageException(StorageError.Invalid, "The search string is too long.");
        }

        return new BsonRegularExpression(pattern, string.Empty);
    }

    /// <summary>
    /// The longest regex sent (UTF-8 bytes): MongoDB refuses patterns of 32 KiB and more; a search
    /// string this long is refused as invalid rather than surfacing a server error.
    /// </summary>
    public const int MaxPatternBytes = 16 * 1024;

    /// <summary>
    /// The case folding of stored search text and needles: <see cref="string.ToUpperInvariant"/>
    /// except for U+017F (long s), which it maps to "S" while
    /// <see cref="StringComparison.OrdinalIgnoreCase"/> does not — the one character where the two
    /// differ. Two strings then compare ordinal-ignore-case exactly when their folds compare
    /// ordinally, so a substring test on folded text is the SQLite backend's test.
    /// </summary>
    public static string Fold(string value)
    {
        var upper = value.ToUpperInvariant();
        if (!value.Contains('\u017F', StringComparison.Ordinal))
        {
            return upper;
        }

        var chars = upper.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (value[i] == '\u017F')
            {
                chars[i] = '\u017F';
            }
        }

        return new string(chars);
    }

    /// <summary>
    /// Escapes a literal for PCRE: ASCII punctuation gets a backslash (always a literal in PCRE),
    /// control characters become <c>\x{hh}</c> (a pattern is a C string: no NUL may appear),
    /// letters, digits and non-ASCII characters stay as they are.
    /// </summary>
    internal static string EscapeRegex(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c < 0x20 || c == 0x7F)
            {
                builder.Append("\\x{").Append(((int)c).ToString("x", CultureInfo.InvariantCulture)).Append('}');
            }
            else if (c < 0x80 && !char.IsAsciiLetterOrDigit(c))
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Calendar-date keys compare the stored day numbers (the date in the value's own offset).</summary>
    private static BsonDocument Date(DateKey date)
    {
        var field = date.Field == DateField.Internal ? "iday" : "hday";
        var day = date.Date.DayNumber;
        return date.Comparison switch
        {
            DateComparison.Before => new BsonDocument(field, new BsonDocument("$lt", day)),
            DateComparison.On => new BsonDocument(field, day),
            _ => new BsonDocument(field, new BsonDocument("$gte", day)),
        };
    }

    /// <summary>UIDs: one equality or range per UID range; several under <c>$or</c>, single UIDs gathered in one <c>$in</c>.</summary>
    internal static BsonDocument Uids(UidSet uids)
    {
        var ranges = uids.Ranges;
        if (ranges.Length == 0)
        {
            return MatchNone;
        }

        var singles = new BsonArray();
        var parts = new BsonArray();
        foreach (var range in ranges)
        {
            if (range.First == range.Last)
            {
                singles.Add((long)range.First);
            }
            else
            {
                parts.Add(new BsonDocument("uid", new BsonDocument { { "$gte", (long)range.First }, { "$lte", (long)range.Last } }));
            }
        }

        if (singles.Count == 1)
        {
            parts.Add(new BsonDocument("uid", singles[0]));
        }
        else if (singles.Count > 1)
        {
            parts.Add(new BsonDocument("uid", new BsonDocument("$in", singles)));
        }

        return parts.Count == 1 ? parts[0].AsBsonDocument : new BsonDocument("$or", parts);
    }
}
