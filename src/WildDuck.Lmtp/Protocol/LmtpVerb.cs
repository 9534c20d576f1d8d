// SPDX-License-Identifier: MIT
namespace WildDuck.Lmtp.Protocol;

/// <summary>The LMTP commands the engine knows (RFC 2033 §4, RFC 5321 §4.1, RFC 3030, RFC 3207).</summary>
internal enum LmtpVerb : byte
{
    Unknown,
    Lhlo,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Help,
    StartTls,
}

/// <summary>The <c>BODY=</c> parameter of MAIL FROM (RFC 6152, RFC 3030 §3).</summary>
internal enum LmtpBodyType : byte
{
    None,
    SevenBit,
    EightBitMime,
    BinaryMime,
}
