// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;

namespace WildDuck.Lmtp.Protocol;

/// <summary>
/// Parses LMTP command lines (without CRLF) over spans: the verb, paths (RFC 5321 §4.1.2) and the
/// MAIL/RCPT/BDAT parameters. Returns <see cref="LmtpReply.None"/> on success, else the reply to send.
/// </summary>
internal static class LmtpCommandParser
{
    /// <summary>RFC 5321 §4.5.3.1.1: local part at most 64 octets.</summary>
    public const int MaxLocalPart = 64;

    /// <summary>RFC 5321 §4.5.3.1.2: domain at most 255 octets.</summary>
    public const int MaxDomain = 255;

    /// <summary>RFC 5321 §4.5.3.1.3: path at most 256 octets including the angle brackets.</summary>
    public const int MaxPath = 256;

    /// <summary>Bytes that cannot appear in a domain outside an address literal (RFC 5321 §4.1.2).</summary>
    private static readonly SearchValues<byte> DomainSpecials = SearchValues.Create("\"\\[]()<>,;:@"u8);

    /// <summary>Splits the verb from its arguments (the rest after one SP, trailing spaces removed).</summary>
    public static LmtpVerb ParseVerb(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> arguments)
    {
        var space = line.IndexOf((byte)' ');
        var verb = space < 0 ? line : line[..space];
        arguments = space < 0 ? default : line[(space + 1)..].TrimEnd((byte)' ');
        return verb.Length switch
        {
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Lhlo) => LmtpVerb.Lhlo,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Mail) => LmtpVerb.Mail,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Rcpt) => LmtpVerb.Rcpt,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Data) => LmtpVerb.Data,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Bdat) => LmtpVerb.Bdat,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Rset) => LmtpVerb.Rset,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Noop) => LmtpVerb.Noop,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Quit) => LmtpVerb.Quit,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Vrfy) => LmtpVerb.Vrfy,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Help) => LmtpVerb.Help,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Helo) => LmtpVerb.Helo,
            4 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.Ehlo) => LmtpVerb.Ehlo,
            8 when Ascii.EqualsIgnoreCase(verb, LmtpStrings.StartTls) => LmtpVerb.StartTls,
            _ => LmtpVerb.Unknown,
        };
    }

    /// <summary>LHLO's argument (RFC 2033 §4.1): one domain or address literal, printable, no spaces.</summary>
    public static LmtpReply ParseDomain(ReadOnlySpan<byte> arguments, out ReadOnlySpan<byte> domain)
    {
        domain = arguments.TrimStart((byte)' ');
        if (domain.IsEmpty || domain.Length > MaxDomain)
        {
            return LmtpReply.SyntaxError;
        }

        foreach (var b in domain)
        {
            if (b <= (byte)' ' || b == 0x7F)
            {
                return LmtpReply.SyntaxError;
            }
        }

        return Utf8.IsValid(domain) ? LmtpReply.None : LmtpReply.SyntaxError;
    }

    /// <summary>
    /// <c>MAIL FROM:&lt;reverse-path&gt; [SP params]</c> (RFC 5321 §4.1.1.2) with SIZE (RFC 1870),
    /// BODY (RFC 6152, RFC 3030) and SMTPUTF8 (RFC 6531). <paramref name="address"/> is empty for the
    /// null reverse-path.
    /// </summary>
    public static LmtpReply ParseMail(ReadOnlySpan<byte> arguments, out ReadOnlySpan<byte> address, out MailParameters parameters)
    {
        parameters = default;
        var error = ParseKeywordPath(arguments, LmtpStrings.From, sender: true, out address, out var eightBit, out var rest);
        if (error != LmtpReply.None)
        {
            return error;
        }

        while (NextParameter(ref rest, out var keyword, out var value, out var malformed))
        {
            if (malformed)
            {
                return LmtpReply.SyntaxError;
            }

            if (Ascii.EqualsIgnoreCase(keyword, LmtpStrings.Size))
            {
                if (parameters.HasSize || value.IsEmpty || value.Length > 18 || !IsDigits(value) || !Utf8Parser.TryParse(value, out long size, out var used) || used != value.Length)
                {
                    return LmtpReply.InvalidArguments;
                }

                parameters.Size = size;
                parameters.HasSize = true;
            }
            else if (Ascii.EqualsIgnoreCase(keyword, LmtpStrings.Body))
            {
                if (parameters.Body != LmtpBodyType.None)
                {
                    return LmtpReply.InvalidArguments;
                }

                if (Ascii.EqualsIgnoreCase(value, LmtpStrings.SevenBit))
                {
                    parameters.Body = LmtpBodyType.SevenBit;
                }
                else if (Ascii.EqualsIgnoreCase(value, LmtpStrings.EightBitMime))
                {
                    parameters.Body = LmtpBodyType.EightBitMime;
                }
                else if (Ascii.EqualsIgnoreCase(value, LmtpStrings.BinaryMime))
                {
                    parameters.Body = LmtpBodyType.BinaryMime;
                }
                else
                {
                    return LmtpReply.InvalidArguments;
                }
            }
            else if (Ascii.EqualsIgnoreCase(keyword, LmtpStrings.SmtpUtf8))
            {
                // RFC 6531 §3.4: SMTPUTF8 takes no value.
                if (parameters.SmtpUtf8 || !value.IsEmpty)
                {
                    return LmtpReply.InvalidArguments;
                }

                parameters.SmtpUtf8 = true;
            }
            else
            {
                return LmtpReply.UnknownParameter;
            }
        }

        // RFC 6531 §3.4: a non-ASCII reverse-path needs SMTPUTF8 on this very command.
        return eightBit && !parameters.SmtpUtf8 ? LmtpReply.Utf8Required : LmtpReply.None;
    }

    /// <summary>
    /// <c>RCPT TO:&lt;forward-path&gt;</c> (RFC 5321 §4.1.1.3). No RCPT parameters are advertised, so any
    /// is refused with 555. <paramref name="eightBit"/> tells the caller to check SMTPUTF8.
    /// </summary>
    public static LmtpReply ParseRcpt(ReadOnlySpan<byte> arguments, out ReadOnlySpan<byte> address, out bool eightBit)
    {
        var error = ParseKeywordPath(arguments, LmtpStrings.To, sender: false, out address, out eightBit, out var rest);
        if (error != LmtpReply.None)
        {
            return error;
        }

        if (NextParameter(ref rest, out _, out _, out var malformed))
        {
            return malformed ? LmtpReply.SyntaxError : LmtpReply.UnknownParameter;
        }

        return LmtpReply.None;
    }

    /// <summary><c>BDAT chunk-size [SP LAST]</c> (RFC 3030 §2).</summary>
    public static LmtpReply ParseBdat(ReadOnlySpan<byte> arguments, out long size, out bool last)
    {
        size = 0;
        last = false;
        var space = arguments.IndexOf((byte)' ');
        var number = space < 0 ? arguments : arguments[..space];
        if (number.IsEmpty || number.Length > 18 || !IsDigits(number) || !Utf8Parser.TryParse(number, out size, out _))
        {
            return LmtpReply.SyntaxError;
        }

        if (space >= 0)
        {
            var flag = arguments[(space + 1)..].TrimStart((byte)' ');
            if (!Ascii.EqualsIgnoreCase(flag, LmtpStrings.Last))
            {
                return LmtpReply.SyntaxError;
            }

            last = true;
        }

        return LmtpReply.None;
    }

    /// <summary>
    /// Parses <c>"&lt;" [A-d-l ":"] Mailbox "&gt;"</c> (RFC 5321 §4.1.2) at the start of <paramref name="input"/>.
    /// The source route is dropped (§4.1.1.3 allows ignoring it). For a recipient, <c>&lt;Postmaster&gt;</c>
    /// without a domain is accepted (§4.1.1.3).
    /// </summary>
    public static LmtpReply ParsePath(ReadOnlySpan<byte> input, bool sender, out ReadOnlySpan<byte> mailbox, out bool eightBit, out int consumed)
    {
        var bad = sender ? LmtpReply.BadSenderAddress : LmtpReply.BadRecipientAddress;
        mailbox = default;
        eightBit = false;
        consumed = 0;
        if (input.IsEmpty || input[0] != (byte)'<')
        {
            return bad;
        }

        var quoted = false;
        var close = -1;
        for (var i = 1; i < input.Length; i++)
        {
            var b = input[i];
            if (b >= 0x80)
            {
                eightBit = true;
            }

            if (quoted)
            {
                if (b == (byte)'\\')
                {
                    // RFC 5321 §4.1.2 quoted-pairSMTP: a backslash escapes %d32-126 only (and
                    // UTF-8 under SMTPUTF8, checked with the rest of the 8-bit bytes); never a
                    // control byte, which would reach the stored Return-Path header.
                    if (++i >= input.Length || input[i] < (byte)' ' || input[i] == 0x7F)
                    {
                        return bad;
                    }

                    if (input[i] >= 0x80)
                    {
                        eightBit = true;
                    }
                }
                else if (b == (byte)'"')
                {
                    quoted = false;
                }
                else if (b < (byte)' ' || b == 0x7F)
                {
                    return bad;
                }

                continue;
            }

            if (b == (byte)'>')
            {
                close = i;
                break;
            }

            if (b == (byte)'"')
            {
                quoted = true;
            }
            else if (b <= (byte)' ' || b == 0x7F || b == (byte)'<' || IsSpecial(b))
            {
                // Outside quotes only atext, '.', '@' and (for source routes) ':' and ','
                // belong in a path (RFC 5321 §4.1.2); specials such as '(' ';' '\' '[' ']'
                // outside a domain literal are refused. '[' and ']' stay for domain literals.
                return bad;
            }
        }

        // Unbalanced brackets, or a path longer than RFC 5321 §4.5.3.1.3 allows.
        if (close < 0 || close + 1 > MaxPath)
        {
            return bad;
        }

        consumed = close + 1;
        var inner = input[1..close];
        if (inner.Length > 0 && inner[0] == (byte)'@')
        {
            var colon = inner.IndexOf((byte)':');
            if (colon < 0)
            {
                return bad;
            }

            inner = inner[(colon + 1)..];
            if (inner.IsEmpty)
            {
                return bad;
            }
        }

        if (inner.IsEmpty)
        {
            // The null reverse-path "<>" (§4.5.5); never a recipient.
            return sender && input[1] == (byte)'>' ? LmtpReply.None : bad;
        }

        if (eightBit && !Utf8.IsValid(inner))
        {
            return bad;
        }

        var at = inner.LastIndexOf((byte)'@');
        if (at < 0)
        {
            if (!sender && Ascii.EqualsIgnoreCase(inner, LmtpStrings.Postmaster))
            {
                mailbox = inner;
                return LmtpReply.None;
            }

            return bad;
        }

        var local = inner[..at];
        var domain = inner[(at + 1)..];
        if (local.IsEmpty || local.Length > MaxLocalPart || domain.IsEmpty || domain.Length > MaxDomain)
        {
            return bad;
        }

        if (domain[0] == (byte)'[' ? domain[^1] != (byte)']' : domain.IndexOfAny(DomainSpecials) >= 0)
        {
            return bad;
        }

        mailbox = inner;
        return LmtpReply.None;
    }

    /// <summary>RFC 5322 specials that may not appear unquoted in a path, except those with a role there.</summary>
    private static bool IsSpecial(byte b) => b is (byte)'(' or (byte)')' or (byte)';' or (byte)'\\' or (byte)'"';

    /// <summary>"FROM:" or "TO:" (a space after the colon is tolerated), then the path; <paramref name="rest"/> is what follows it.</summary>
    private static LmtpReply ParseKeywordPath(ReadOnlySpan<byte> arguments, ReadOnlySpan<byte> keyword, bool sender, out ReadOnlySpan<byte> address, out bool eightBit, out ReadOnlySpan<byte> rest)
    {
        address = default;
        eightBit = false;
        rest = default;
        if (arguments.Length < keyword.Length || !Ascii.EqualsIgnoreCase(arguments[..keyword.Length], keyword))
        {
            return LmtpReply.SyntaxError;
        }

        var path = arguments[keyword.Length..].TrimStart((byte)' ');
        var error = ParsePath(path, sender, out address, out eightBit, out var consumed);
        rest = path[consumed..];
        return error;
    }

    private static bool NextParameter(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> keyword, out ReadOnlySpan<byte> value, out bool malformed)
    {
        keyword = default;
        value = default;
        malformed = false;
        if (rest.IsEmpty)
        {
            return false;
        }

        if (rest[0] != (byte)' ')
        {
            // Something glued to the closing bracket.
            malformed = true;
            return true;
        }

        rest = rest.TrimStart((byte)' ');
        if (rest.IsEmpty)
        {
            return false;
        }

        var end = rest.IndexOf((byte)' ');
        var parameter = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[end..];
        var equals = parameter.IndexOf((byte)'=');
        keyword = equals < 0 ? parameter : parameter[..equals];
        value = equals < 0 ? default : parameter[(equals + 1)..];
        if (keyword.IsEmpty || (equals >= 0 && value.IsEmpty))
        {
            malformed = true;
        }

        return true;
    }

    private static bool IsDigits(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The MAIL FROM parameters the engine understands.</summary>
internal struct MailParameters
{
    /// <summary>The declared size (RFC 1870 §6); 0 when absent.</summary>
    public long Size;

    public bool HasSize;

    public LmtpBodyType Body;

    public bool SmtpUtf8;
}
