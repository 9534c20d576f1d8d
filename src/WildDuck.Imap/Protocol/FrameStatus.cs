// SPDX-License-Identifier: MIT
namespace WildDuck.Imap.Protocol;

/// <summary>The outcome of one <see cref="ImapFramer.TryFrame"/> call.</summary>
internal enum FrameStatus
{
    /// <summary>No complete unit yet; nothing consumed (except bytes being discarded after an error).</summary>
    NeedMoreData,

    /// <summary>A whole command: line bytes plus inline literal payloads, final CRLF excluded.</summary>
    Complete,

    /// <summary>The line so far ends with a literal announcement; the caller must decide what to do with it.</summary>
    LiteralAnnounced,

    /// <summary>The input broke a limit or the literal syntax; see <see cref="ImapFrame.Error"/>.</summary>
    Error,
}

/// <summary>Why a frame failed.</summary>
internal enum FrameError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>A line segment exceeded the line limit before its CRLF.</summary>
    LineTooLong,

    /// <summary>Line bytes plus inline literals exceeded <see cref="ImapLimits.MaxCommandSize"/>.</summary>
    CommandTooLarge,

    /// <summary>More than <see cref="ImapLimits.MaxLiteralsPerCommand"/> literals.</summary>
    TooManyLiterals,

    /// <summary>A non-synchronising literal above <see cref="ImapLimits.MaxNonSyncLiteral"/> (RFC 7888 §4), or one the caller rejected.</summary>
    LiteralTooLarge,

    /// <summary>A line ended with a malformed literal announcement (<c>{}</c>, <c>{1x}</c>, a size over 2^32-1).</summary>
    InvalidLiteral,
}

/// <summary>What the framer does after an error to get back in step with the client.</summary>
internal enum FrameRecovery
{
    /// <summary>No error.</summary>
    None,

    /// <summary>
    /// The offending line (through its LF) is or will be discarded; the next byte starts a new
    /// command. Exact when the client respected synchronising literals.
    /// </summary>
    SkipLine,

    /// <summary>
    /// A non-synchronising literal the client sends regardless is skipped, then the rest of its
    /// line. Exact unless the remainder carried further non-synchronising literals; sessions may
    /// prefer to close the connection (RFC 7888 §4 allows either).
    /// </summary>
    SkipLiteralThenLine,
}
