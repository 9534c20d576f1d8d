// SPDX-License-Identifier: MIT
using System;
using System.Buffers.Text;

namespace WildDuck.Pop3.Protocol;

/// <summary>The POP3 commands this server knows (RFC 1939 §4-§7, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH).</summary>
internal enum Pop3CommandKind
{
    Unknown,
    User,
    Pass,
    Auth,
    Capa,
    Stls,
    Stat,
    List,
    Uidl,
    Top,
    Retr,
    Dele,
    Rset,
    Noop,
    Quit,
}

/// <summary>The session states of RFC 1939 §3 in which a command may be given.</summary>
[Flags]
internal enum Pop3States
{
    None = 0,

    /// <summary>Before a successful login.</summary>
    Authorization = 1,

    /// <summary>After login, with the maildrop open.</summary>
    Transaction = 2,

    Any = Authorization | Transaction,
}

/// <summary>One parsed command line: the command and where its arguments start in the line.</summary>
internal readonly record struct Pop3Command(Pop3CommandKind Kind, int ArgumentsStart)
{
    /// <summary>The states a command is valid in (RFC 1939 §4-§6; RFC 2595 §4: STLS only before login).</summary>
    public static Pop3States AllowedStates(Pop3CommandKind kind) => kind switch
    {
        Pop3CommandKind.User or Pop3CommandKind.Pass or Pop3CommandKind.Auth or Pop3CommandKind.Stls => Pop3States.Authorization,
        Pop3CommandKind.Capa or Pop3CommandKind.Quit => Pop3States.Any,
        Pop3CommandKind.Unknown => Pop3States.None,
        _ => Pop3States.Transaction,
    };

    /// <summary>
    /// Parses "KEYWORD [arguments]" (RFC 1939 §3: keywords are case-insensitive, three or four
    /// characters, separated from arguments by a single space).
    /// </summary>
    public static Pop3Command Parse(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var keyword = space < 0 ? line : line[..space];
        var arguments = space < 0 ? line.Length : space + 1;
        return new Pop3Command(Classify(keyword), arguments);
    }

    /// <summary>Splits the first space-separated token off <paramref name="rest"/>.</summary>
    public static ReadOnlySpan<byte> NextToken(ref ReadOnlySpan<byte> rest)
    {
        rest = rest.TrimStart((byte)' ');
        var space = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> token;
        if (space < 0)
        {
            token = rest;
            rest = default;
        }
        else
        {
            token = rest[..space];
            rest = rest[(space + 1)..];
        }

        return token;
    }

    /// <summary>
    /// Parses a decimal number of at most nine digits (RFC 1939 §3: message numbers and line
    /// counts are plain decimal; no sign, no leading or trailing garbage).
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<byte> token, out int value)
    {
        value = 0;
        if (token.IsEmpty || token.Length > 9 || token.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return false;
        }

        return Utf8Parser.TryParse(token, out value, out var consumed) && consumed == token.Length;
    }

    private static Pop3CommandKind Classify(ReadOnlySpan<byte> keyword)
    {
        if (keyword.Length is < 3 or > 4)
        {
            return Pop3CommandKind.Unknown;
        }

        // Fold ASCII letters to upper case and compare as one integer; non-letters never match.
        uint packed = 0;
        foreach (var b in keyword)
        {
            packed = (packed << 8) | (uint)(b is >= (byte)'a' and <= (byte)'z' ? b - 0x20 : b);
        }

        return packed switch
        {
            0x55534552 => Pop3CommandKind.User, // USER
            0x50415353 => Pop3CommandKind.Pass, // PASS
            0x41555448 => Pop3CommandKind.Auth, // AUTH
            0x43415041 => Pop3CommandKind.Capa, // CAPA
            0x53544C53 => Pop3CommandKind.Stls, // STLS
            0x53544154 => Pop3CommandKind.Stat, // STAT
            0x4C495354 => Pop3CommandKind.List, // LIST
            0x5549444C => Pop3CommandKind.Uidl, // UIDL
            0x00544F50 => Pop3CommandKind.Top, // TOP
            0x52455452 => Pop3CommandKind.Retr, // RETR
            0x44454C45 => Pop3CommandKind.Dele, // DELE
            0x52534554 => Pop3CommandKind.Rset, // RSET
            0x4E4F4F50 => Pop3CommandKind.Noop, // NOOP
            0x51554954 => Pop3CommandKind.Quit, // QUIT
            _ => Pop3CommandKind.Unknown,
        };
    }
}
