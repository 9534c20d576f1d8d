// SPDX-License-Identifier: MIT
using WildDuck.Lmtp.Protocol;
using WildDuck.Lmtp.Session;

namespace WildDuck.Lmtp.Tests;

public class StateTableTests
{
    [Theory]
    [InlineData(LmtpVerb.Mail, LmtpState.Connected, LmtpReply.NeedLhlo)]
    [InlineData(LmtpVerb.Mail, LmtpState.Greeted, LmtpReply.None)]
    [InlineData(LmtpVerb.Mail, LmtpState.Mail, LmtpReply.NestedMail)]
    [InlineData(LmtpVerb.Mail, LmtpState.Recipients, LmtpReply.NestedMail)]
    [InlineData(LmtpVerb.Mail, LmtpState.Chunking, LmtpReply.NestedMail)]
    [InlineData(LmtpVerb.Rcpt, LmtpState.Connected, LmtpReply.NeedLhlo)]
    [InlineData(LmtpVerb.Rcpt, LmtpState.Greeted, LmtpReply.NeedMail)]
    [InlineData(LmtpVerb.Rcpt, LmtpState.Mail, LmtpReply.None)]
    [InlineData(LmtpVerb.Rcpt, LmtpState.Recipients, LmtpReply.None)]
    [InlineData(LmtpVerb.Rcpt, LmtpState.Chunking, LmtpReply.RcptDuringBdat)]
    [InlineData(LmtpVerb.Data, LmtpState.Greeted, LmtpReply.NeedMail)]
    [InlineData(LmtpVerb.Data, LmtpState.Mail, LmtpReply.NoRecipients)]
    [InlineData(LmtpVerb.Data, LmtpState.Recipients, LmtpReply.None)]
    [InlineData(LmtpVerb.Data, LmtpState.Chunking, LmtpReply.DataDuringBdat)]
    [InlineData(LmtpVerb.Bdat, LmtpState.Connected, LmtpReply.NeedLhlo)]
    [InlineData(LmtpVerb.Bdat, LmtpState.Mail, LmtpReply.NoRecipients)]
    [InlineData(LmtpVerb.Bdat, LmtpState.Recipients, LmtpReply.None)]
    [InlineData(LmtpVerb.Bdat, LmtpState.Chunking, LmtpReply.None)]
    [InlineData(LmtpVerb.Noop, LmtpState.Connected, LmtpReply.None)]
    [InlineData(LmtpVerb.Rset, LmtpState.Chunking, LmtpReply.None)]
    public void Transaction_commands_are_gated_by_state(object verb, object state, object reply)
        => LmtpStateTable.Check((LmtpVerb)verb, (LmtpState)state).Should().Be((LmtpReply)reply);
}
