// SPDX-License-Identifier: MIT
using System.Text;
using FluentAssertions;
using WildDuck.Imap.Protocol;
using Xunit;

namespace WildDuck.Imap.Tests.Protocol;

public class ModifiedUtf7Tests
{
    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("", "")]
    [InlineData("AT&T", "AT&-T")]
    [InlineData("&", "&-")]
    [InlineData("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    [InlineData("\u00e9", "&AOk-")]
    [InlineData("caf\u00e9 cr\u00e8me", "caf&AOk- cr&AOg-me")]
    [InlineData("\U0001F600", "&2D3eAA-")]
    [InlineData("a\u00e9\u00e8b", "a&AOkA6A-b")]
    [InlineData("\u00e9&\u00e9", "&AOk-&-&AOk-")]
    [InlineData("tab\there", "tab&AAk-here")]
    public void EncodesAndDecodes(string name, string encoded)
    {
        ModifiedUtf7.Encode(name).Should().Be(encoded);
        ModifiedUtf7.TryDecode(Encoding.ASCII.GetBytes(encoded), out var decoded).Should().BeTrue();
        decoded.Should().Be(name);
    }

    [Theory]
    [InlineData("&AGE-&AGE-")]
    [InlineData("&AOk-&AOg-")]
    [InlineData("&")]
    [InlineData("&AOk")]
    [InlineData("&-&")]
    [InlineData("&AOk!-")]
    [InlineData("&AOk/-")]
    [InlineData("&AOk=-")]
    [InlineData("&AGE-")]
    [InlineData("&AEE-")]
    [InlineData("&AOl-")]
    [InlineData("&A-")]
    [InlineData("&AO-")]
    [InlineData("&2D0-")]
    [InlineData("&3gA-")]
    [InlineData("&2D3YPQ-")]
    [InlineData("caf\u00e9")]
    [InlineData("a\tb")]
    [InlineData("a\u007fb")]
    public void RejectsInvalidOrNonCanonicalForms(string encoded)
    {
        ModifiedUtf7.TryDecode(Encoding.Latin1.GetBytes(encoded), out _).Should().BeFalse();
    }

    [Fact]
    public void RoundTripsEveryBmpCharacterOutsidePrintableAscii()
    {
        var sb = new StringBuilder();
        for (var c = 0x80; c < 0xD800; c += 97)
        {
            sb.Append((char)c);
        }

        var name = "x" + sb + "y";
        ModifiedUtf7.TryDecode(Encoding.ASCII.GetBytes(ModifiedUtf7.Encode(name)), out var back).Should().BeTrue();
        back.Should().Be(name);
    }
}
