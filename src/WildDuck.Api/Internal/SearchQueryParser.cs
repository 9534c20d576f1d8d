// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using WildDuck.Storage;
using WildDuck.Storage.Search;

namespace WildDuck.Api.Internal;

/// <summary>The <c>q</c> parameter parsed: the search key and the mailbox named by <c>in:</c>, if any.</summary>
/// <param name="Key">The query as a search AST (runs on every backend).</param>
/// <param name="Mailbox">The value of a top-level <c>in:</c>, unresolved; null when absent.</param>
internal sealed record SearchQuery(SearchKey Key, string? Mailbox);

/// <summary>A syntax error in <c>q</c>: what is wrong and the character offset (0-based) where.</summary>
internal sealed class SearchQueryException : Exception
{
    public SearchQueryException(string reason, int position)
        : base(reason + " at position " + position.ToString(CultureInfo.InvariantCulture))
    {
        Reason = reason;
        Position = position;
    }

    public SearchQueryException()
    {
        Reason = string.Empty;
    }

    public SearchQueryException(string message)
        : base(message)
    {
        Reason = message;
    }

    public SearchQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    public string Reason { get; }

    public int Position { get; }
}

/// <summary>
/// Parses WildDuck's Gmail-like <c>q</c> search language (reference §8.5) into a <see cref="SearchKey"/>,
/// character by character with one token of lookahead.
/// </summary>
/// <remarks>
/// <para>Grammar (whitespace separates terms; <c>OR</c> and <c>AND</c> are upper-case words, as in Gmail):</para>
/// <code>
/// query    = and
/// and      = or { ["AND"] or }              ; juxtaposition is AND
/// or       = unary { "OR" unary }           ; OR binds tighter than AND (Gmail: a OR b c = (a OR b) c)
/// unary    = "-" unary | primary
/// primary  = "(" and ")" | operator ":" value | phrase | word
/// value    = phrase | word
/// phrase   = '"' { char | '\"' | '\\' } '"'
/// </code>
/// <para>
/// Operators: <c>from:</c>, <c>to:</c> (To or Cc), <c>cc:</c>, <c>bcc:</c>, <c>subject:</c>,
/// <c>has:attachment</c>, <c>is:</c> (<c>seen</c>/<c>read</c>, <c>unseen</c>/<c>unread</c>,
/// <c>flagged</c>/<c>starred</c>, <c>unflagged</c>/<c>unstarred</c>, <c>answered</c>/<c>replied</c>,
/// <c>unanswered</c>, <c>draft</c>, <c>deleted</c>), <c>in:</c> (top level only),
/// <c>larger:</c>/<c>smaller:</c> (bytes, or with a K, M or G suffix), <c>before:</c>,
/// <c>after:</c>/<c>since:</c> (received date, YYYY-MM-DD or YYYY/MM/DD; after: includes the
/// day, as Gmail's), <c>thread:</c> (a thread id, as the messages list shows it). A word with a colon that is not an operator (a URL, "re:x") is text. Words and
/// phrases match as substrings of the headers or the body (the flat <c>query</c> parameter's match).
/// </para>
/// </remarks>
internal ref struct SearchQueryParser
{
    /// <summary>Deepest nesting of groups and negations.</summary>
    public const int MaxDepth = 16;

    /// <summary>Most terms in one query (bounds the work of one search).</summary>
    public const int MaxTerms = 64;

    private readonly ReadOnlySpan<char> _text;
    private int _position;
    private int _terms;
    private string? _mailbox;

    private SearchQueryParser(ReadOnlySpan<char> text)
    {
        _text = text;
        _position = 0;
        _terms = 0;
        _mailbox = null;
    }

    /// <summary>Parses <paramref name="text"/>; <see cref="SearchQueryException"/> on a syntax error.</summary>
    public static SearchQuery Parse(string text)
    {
        var parser = new SearchQueryParser(text);
        parser.SkipSpace();
        if (parser.AtEnd)
        {
            throw new SearchQueryException("empty query", 0);
        }

        var key = parser.ParseAnd(depth: 0, topLevel: true);
        if (!parser.AtEnd)
        {
            throw new SearchQueryException("unexpected ')'", parser._position);
        }

        return new SearchQuery(key, parser._mailbox);
    }

    private readonly bool AtEnd => _position >= _text.Length;

    private readonly char Current => _text[_position];

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current))
        {
            _position++;
        }
    }

    /// <summary>True when the next token is the bare upper-case word <paramref name="keyword"/>.</summary>
    private readonly bool AtKeyword(string keyword)
    {
        if (!_text[_position..].StartsWith(keyword, StringComparison.Ordinal))
        {
            return false;
        }

        int end = _position + keyword.Length;
        return end == _text.Length || char.IsWhiteSpace(_text[end]) || _text[end] is '(' or ')';
    }

    private SearchKey ParseAnd(int depth, bool topLevel)
    {
        var keys = new List<SearchKey>();
        while (true)
        {
            SkipSpace();
            if (AtEnd || Current == ')')
            {
                break;
            }

            if (AtKeyword("AND"))
            {
                if (keys.Count == 0)
                {
                    throw new SearchQueryException("AND needs a term before it", _position);
                }

                _position += 3;
                SkipSpace();
                if (AtEnd || Current == ')')
                {
                    throw new SearchQueryException("AND needs a term after it", _position);
                }
            }

            if (ParseOr(depth, topLevel) is { } key)
            {
                keys.Add(key);
            }
        }

        return keys.Count switch
        {
            0 => AllKey.Instance,
            1 => keys[0],
            _ => new AndKey(keys),
        };
    }

    /// <summary>One OR chain; null when it was a top-level <c>in:</c>, which selects mailboxes instead.</summary>
    private SearchKey? ParseOr(int depth, bool topLevel)
    {
        int start = _position;
        if (AtKeyword("OR"))
        {
            throw new SearchQueryException("OR needs a term before it", _position);
        }

        var left = ParseUnary(depth, topLevel);
        SkipSpace();
        while (AtKeyword("OR"))
        {
            if (left is null)
            {
                throw new SearchQueryException("in: cannot be part of OR", start);
            }

            _position += 2;
            SkipSpace();
            if (AtEnd || Current == ')')
            {
                throw new SearchQueryException("OR needs a term after it", _position);
            }

            var right = ParseUnary(depth, topLevel: false)!;
            left = new OrKey(left, right);
            SkipSpace();
        }

        return left;
    }

    private SearchKey? ParseUnary(int depth, bool topLevel)
    {
        if (depth >= MaxDepth)
        {
            throw new SearchQueryException("nested too deeply (at most " + MaxDepth.ToString(CultureInfo.InvariantCulture) + " levels)", _position);
        }

        if (Current == '-')
        {
            int minus = _position++;
            if (AtEnd || char.IsWhiteSpace(Current) || Current == ')')
            {
                throw new SearchQueryException("'-' needs a term right after it", minus);
            }

            // Below the top level ParseUnary never yields null: in: throws there.
            return new NotKey(ParseUnary(depth + 1, topLevel: false)!);
        }

        if (Current == '(')
        {
            int open = _position++;
            var group = ParseAnd(depth + 1, topLevel: false);
            if (AtEnd)
            {
                throw new SearchQueryException("'(' is not closed", open);
            }

            _position++; // ')'
            if (group is AllKey)
            {
                throw new SearchQueryException("empty group", open);
            }

            return group;
        }

        return ParseTerm(topLevel);
    }

    private SearchKey? ParseTerm(bool topLevel)
    {
        int start = _position;
        if (++_terms > MaxTerms)
        {
            throw new SearchQueryException("too many terms (at most " + MaxTerms.ToString(CultureInfo.InvariantCulture) + ")", start);
        }

        if (Current == '"')
        {
            return Text(ReadPhrase(), start);
        }

        int wordStart = _position;
        while (!AtEnd && !char.IsWhiteSpace(Current) && Current is not ('(' or ')' or '"'))
        {
            if (Current == ':' && IsOperator(_text[wordStart.._position]))
            {
                var name = _text[wordStart.._position].ToString().ToLowerInvariant();
                _position++; // ':'
                int valueStart = _position;
                var value = ReadValue();
                return Operator(name, value, start, valueStart, topLevel);
            }

            _position++;
        }

        if (_position == wordStart)
        {
            throw new SearchQueryException("unexpected '" + Current.ToString() + "'", _position);
        }

        return Text(_text[wordStart.._position].ToString(), start);
    }

    private static TextKey Text(string value, int position) =>
        value.Length == 0 ? throw new SearchQueryException("empty phrase", position) : new TextKey(value, IncludeHeaders: true);

    private static bool IsOperator(ReadOnlySpan<char> name)
    {
        foreach (var known in Operators)
        {
            if (name.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] DateFormats = { "yyyy-MM-dd", "yyyy/MM/dd" };

    private static readonly string[] Operators = { "from", "to", "cc", "bcc", "subject", "has", "is", "in", "larger", "smaller", "before", "after", "since", "thread" };

    /// <summary>An operator's value: a phrase or the rest of the word (up to space or a parenthesis).</summary>
    private string ReadValue()
    {
        if (!AtEnd && Current == '"')
        {
            return ReadPhrase();
        }

        int start = _position;
        while (!AtEnd && !char.IsWhiteSpace(Current) && Current is not ('(' or ')' or '"'))
        {
            _position++;
        }

        return _text[start.._position].ToString();
    }

    private string ReadPhrase()
    {
        int open = _position++;
        var value = new StringBuilder();
        while (true)
        {
            if (AtEnd)
            {
                throw new SearchQueryException("unterminated quoted phrase", open);
            }

            char c = _text[_position++];
            if (c == '"')
            {
                return value.ToString();
            }

            if (c == '\\')
            {
                if (AtEnd || Current is not ('"' or '\\'))
                {
                    throw new SearchQueryException("'\\' may only escape '\"' or '\\'", _position - 1);
                }

                c = _text[_position++];
            }

            value.Append(c);
        }
    }

    private SearchKey? Operator(string name, string value, int start, int valueStart, bool topLevel)
    {
        if (value.Length == 0)
        {
            throw new SearchQueryException(name + ": needs a value", valueStart);
        }

        switch (name)
        {
            case "from":
                return new HeaderKey(AddressField.From, value);
            case "to":
                return new OrKey(new HeaderKey(AddressField.To, value), new HeaderKey(AddressField.Cc, value));
            case "cc":
                return new HeaderKey(AddressField.Cc, value);
            case "bcc":
                return new HeaderKey(AddressField.Bcc, value);
            case "subject":
                return new HeaderKey(AddressField.Subject, value);
            case "has":
                return value.ToLowerInvariant() is "attachment" or "attachments"
                    ? new AttachmentKey(true)
                    : throw new SearchQueryException("has: supports only attachment", valueStart);
            case "is":
                return Is(value.ToLowerInvariant(), valueStart);
            case "in":
                if (!topLevel)
                {
                    throw new SearchQueryException("in: may only be used at the top level (not negated, grouped or in OR)", start);
                }

                if (_mailbox is not null)
                {
                    throw new SearchQueryException("only one in: is allowed", start);
                }

                _mailbox = value;
                return null;
            case "larger":
            case "smaller":
                return new SizeKey(Size(value, valueStart), Larger: name == "larger");
            case "before":
                return new DateKey(DateField.Internal, DateComparison.Before, Date(value, valueStart));
            case "thread":
                return EntityId.TryParse(value, out var thread)
                    ? new ThreadKey(thread)
                    : throw new SearchQueryException("thread: needs a thread id (24 hex digits)", valueStart);
            default: // after, since
                return new DateKey(DateField.Internal, DateComparison.Since, Date(value, valueStart));
        }
    }

    private static FlagKey Is(string value, int position) => value switch
    {
        "seen" or "read" => new FlagKey(MessageFlags.Seen, true),
        "unseen" or "unread" => new FlagKey(MessageFlags.Seen, false),
        "flagged" or "starred" => new FlagKey(MessageFlags.Flagged, true),
        "unflagged" or "unstarred" => new FlagKey(MessageFlags.Flagged, false),
        "answered" or "replied" => new FlagKey(MessageFlags.Answered, true),
        "unanswered" => new FlagKey(MessageFlags.Answered, false),
        "draft" => new FlagKey(MessageFlags.Draft, true),
        "deleted" => new FlagKey(MessageFlags.Deleted, true),
        _ => throw new SearchQueryException("is: supports seen, unseen, read, unread, flagged, unflagged, starred, unstarred, answered, unanswered, replied, draft, deleted", position),
    };

    private static long Size(string value, int position)
    {
        long multiplier = 1;
        var digits = value.AsSpan();
        switch (char.ToUpperInvariant(digits[^1]))
        {
            case 'K':
                multiplier = 1024;
                break;
            case 'M':
                multiplier = 1024 * 1024;
                break;
            case 'G':
                multiplier = 1024L * 1024 * 1024;
                break;
        }

        if (multiplier != 1)
        {
            digits = digits[..^1];
        }

        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue / multiplier)
        {
            throw new SearchQueryException("size must be a number of bytes, optionally with K, M or G", position);
        }

        return number * multiplier;
    }

    private static DateOnly Date(string value, int position) =>
        DateOnly.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new SearchQueryException("date must be YYYY-MM-DD or YYYY/MM/DD", position);
}
