// SPDX-License-Identifier: MIT
using WildDuck.Lmtp.Protocol;

namespace WildDuck.Lmtp.Session;

/// <summary>Where an LMTP session stands (RFC 5321 §3.3, §4.1.4; RFC 2033 §4; RFC 3030 §2).</summary>
internal enum LmtpState : byte
{
    /// <summary>Before LHLO (and again after STARTTLS, RFC 3207 §4.2).</summary>
    Connected,

    /// <summary>LHLO given, no transaction.</summary>
    Greeted,

    /// <summary>MAIL accepted, no recipient yet.</summary>
    Mail,

    /// <summary>At least one RCPT accepted.</summary>
    Recipients,

    /// <summary>A BDAT chunk of this transaction was accepted; only BDAT may add content.</summary>
    Chunking,
}

/// <summary>
/// Which transaction commands each state allows, as data (SmtpServer's state table): the reply for a
/// command out of sequence, or <see cref="LmtpReply.None"/>. Commands not listed are valid everywhere.
/// </summary>
internal static class LmtpStateTable
{
    public static LmtpReply Check(LmtpVerb verb, LmtpState state) => (verb, state) switch
    {
        (LmtpVerb.Mail or LmtpVerb.Rcpt or LmtpVerb.Data or LmtpVerb.Bdat, LmtpState.Connected) => LmtpReply.NeedLhlo,
        (LmtpVerb.Mail, LmtpState.Mail or LmtpState.Recipients or LmtpState.Chunking) => LmtpReply.NestedMail,
        (LmtpVerb.Rcpt or LmtpVerb.Data or LmtpVerb.Bdat, LmtpState.Greeted) => LmtpReply.NeedMail,

        // RFC 2033 §4.2: with no successful RCPT, DATA (and so BDAT) fails with 503.
        (LmtpVerb.Data or LmtpVerb.Bdat, LmtpState.Mail) => LmtpReply.NoRecipients,

        // RFC 3030 §2: recipients are given before the content; DATA and BDAT are not mixed.
        (LmtpVerb.Rcpt, LmtpState.Chunking) => LmtpReply.RcptDuringBdat,
        (LmtpVerb.Data, LmtpState.Chunking) => LmtpReply.DataDuringBdat,
        _ => LmtpReply.None,
    };
}
