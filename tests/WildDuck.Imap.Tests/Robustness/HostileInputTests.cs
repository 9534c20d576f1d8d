// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using Xunit;

namespace WildDuck.Imap.Tests.Robustness;

/// <summary>
/// Nothing a client sends may end the session unexpectedly: each hostile line gets an answer and
/// the next NOOP still works.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly string[] s_inputs =
    {
        "x1 FETCH 1 BODY[1.2.3.HEADER.FIELDS (",
        "x2 SEARCH OR",
        "x3 STORE 1 FLAGS",
        "x4 LOGIN {99999999999999999999}",
        "x5 LOGIN {-1}",
        "x6 LOGIN {5",
        "x7 UID",
        "x8 UID FOO 1",
        "x9 FETCH 1:* BODY[]<4294967295.4294967295>",
        "x10 FETCH 1 BODY[0]",
        "x11 FETCH 1 BINARY[0]",
        "x12 SEARCH LARGER 99999999999999999999",
        "x13 SEARCH SINCE 99-Foo-2020",
        "x14 SEARCH UID 1:*:3",
        "x15 SEARCH NOT",
        "x16 SEARCH (",
        "x17 SEARCH )",
        "x18 STATUS INBOX (MESSAGES",
        "x19 LIST",
        "x20 ID (",
        "x21 ID (\"k\" \"v\" \"k2\")",
        "x22 ENABLE",
        "x23 COMPRESS",
        "x24 GETQUOTA",
        "x25 AUTHENTICATE",
        "x26 NOOP\0",
        "x27 SELECT \u0132",
        "x28 FETCH 1 (BODY.PEEK[HEADER.FIELDS ()])",
        "x29 SEARCH " + new string('(', 40) + "ALL" + new string(')', 40),
        "x30 SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 40)) + "ALL",
        "x31 FETCH 1 (BODY.PEEK[1.MIME]<0.0>)",
        "x32 FETCH 1 BODY.PEEK[99999999999.1]",
        "x33 STORE 1 +FLAGS (\\Nonexistent)",
        "x34 STORE 1 +FLAGS (" + new string('k', 2000) + ")",
        "x35 COPY 1 \"\"",
        "x36 MOVE 1 INBOX",
        "x37 RENAME INBOX INBOX",
        "x38 UID EXPUNGE",
        "x39 FETCH * (BODY[TEXT]<0.1>)",
        "x40 SEARCH HEADER",
        "x41 SELECT INBOX (QRESYNC (1 1))",
        "x42 APPEND INBOX (\\Seen",
        "x43 FETCH 1 (ENVELOPE BODYSTRUCTURE BODY BINARY.SIZE[1] RFC822.SIZE INTERNALDATE UID FLAGS MODSEQ)",
        "x44 " + new string('A', 60000),
        "\"quoted\" NOOP",
        "x45 NOOP",
    };

    [Fact]
    public async Task HostileLinesAreAnsweredAndTheSessionSurvives()
    {
        await using var server = await ImapTestServer.StartAsync(o => o.MaxBadCommands = 1000);
        await using var raw = await RawImapConnection.OpenAsync(server);
        await raw.SendAsync("a1 APPEND INBOX {21+}\r\nSubject: hi\r\n\r\nbody\r\n\r\n");
        await raw.ReadUntilTaggedAsync("a1");
        await raw.CommandAsync("a2", "SELECT INBOX");

        for (var i = 0; i < s_inputs.Length; i++)
        {
            await raw.SendAsync(s_inputs[i] + "\r\n");
            var check = "n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var lines = await raw.CommandAsync(check, "NOOP");
            lines[^1].Should().Be(check + " OK NOOP completed", "after '{0}' the session must go on", s_inputs[i].Length > 80 ? s_inputs[i][..80] : s_inputs[i]);
            raw.Session.IsCompleted.Should().BeFalse();
        }

        // x36 moved the message onto its own mailbox (RFC 6851 allows it): it has a new UID now.
        (await raw.CommandAsync("z", "FETCH 1:* (UID)")).Should().Equal("* 1 FETCH (UID 2)", "z OK FETCH completed");
    }

    [Fact]
    public async Task ClientVanishingMidLiteralEndsOnlyItsSession()
    {
        await using var server = await ImapTestServer.StartAsync();
        var raw = await RawImapConnection.OpenAsync(server);
        await raw.SendAsync("a1 APPEND INBOX {100}\r\n");
        (await raw.ReadLineAsync()).Should().StartWith("+ ");
        await raw.SendAsync("Subject: partial\r\n");
        await raw.DisposeAsync();
        await raw.Session.WaitAsync(TimeSpan.FromSeconds(5));

        await using var next = await RawImapConnection.OpenAsync(server);
        (await next.CommandAsync("b1", "STATUS INBOX (MESSAGES)"))[0].Should().Be("* STATUS INBOX (MESSAGES 0)");
    }
}
