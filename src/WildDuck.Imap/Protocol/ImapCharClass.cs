// SPDX-License-Identifier: MIT
namespace WildDuck.Imap.Protocol;

/// <summary>Character classes of the RFC 3501 §9 formal syntax.</summary>
internal static class ImapCharClass
{
    /// <summary>ATOM-CHAR: any CHAR except atom-specials ( ) { SP CTL % * " \ ].</summary>
    public static bool IsAtomChar(byte b) =>
        b > 0x20 && b < 0x7F && b is not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)']');

    /// <summary>ASTRING-CHAR: ATOM-CHAR or resp-specials ("]").</summary>
    public static bool IsAStringChar(byte b) => IsAtomChar(b) || b == (byte)']';

    /// <summary>tag: ASTRING-CHAR except "+".</summary>
    public static bool IsTagChar(byte b) => IsAStringChar(b) && b != (byte)'+';

    /// <summary>list-char: ATOM-CHAR, list-wildcards or resp-specials.</summary>
    public static bool IsListChar(byte b) => IsAStringChar(b) || b == (byte)'%' || b == (byte)'*';

    /// <summary>QUOTED-CHAR without escaping: TEXT-CHAR except quoted-specials (8-bit allowed as UTF-8, RFC 9051/6855).</summary>
    public static bool IsPlainQuotedChar(byte b) => b != (byte)'"' && b != (byte)'\\' && b != (byte)'\r' && b != (byte)'\n' && b != 0;

    /// <summary>DIGIT.</summary>
    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
