// SPDX-License-Identifier: MIT
using System.Linq;
using System.Text;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

public class ThreadKeysTests
{
    // SHA-1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d, base64 without padding.
    private const string AbcHash = "qZk+NkcGgWq6PiVxeFDCbJzQ2J0";

    [Theory]
    [InlineData("Hello world", "hello world")]
    [InlineData("Re: Hello", "hello")]
    [InlineData("RE: Re: re: Hello", "hello")]
    [InlineData("Fwd: Hello", "hello")]
    [InlineData("FW: Hello", "hello")]
    [InlineData("Re : Hello", "hello")]
    [InlineData("Re[2]: Hello", "hello")]
    [InlineData("Re: Fwd: Re: Hello", "hello")]
    [InlineData("[list] Re: Hello", "hello")]
    [InlineData("Re: [list] Hello", "hello")]
    [InlineData("[list]", "[list]")]
    [InlineData("Hello (fwd)", "hello")]
    [InlineData("Fwd: Hello (FWD)", "hello")]
    [InlineData("  Re:   Lots   of\t space  ", "lots of space")]
    [InlineData("Regarding: Hello", "regarding: hello")]
    [InlineData("Reply to this", "reply to this")]
    [InlineData("", "")]
    [InlineData("Re:", "")]
    public void SubjectNormalisation(string subject, string expected)
    {
        ThreadKeys.NormalizeSubject(subject).Should().Be(expected);
    }

    [Fact]
    public void ThreadSubjectUsesTheDecodedSubject()
    {
        TestTree.Build("Subject: =?UTF-8?Q?Re=3A_Gr=C3=BC=C3=9Fe?=\n\nx\n").ThreadSubject.Should().Be("grüße");
    }

    [Fact]
    public void ReferencesAreSha1Base64WithoutPadding()
    {
        MessageMetadata metadata = TestTree.Build("Message-ID: <abc>\n\nx\n");
        metadata.ThreadReferences.Should().Equal(AbcHash);
    }

    [Fact]
    public void ReferencesOrderAndDeduplication()
    {
        MessageMetadata metadata = TestTree.Build(
            "References: <r1@x> <abc>\n <r2@x>\nIn-Reply-To: <r2@x>\nMessage-ID: <abc>\n\nx\n");
        metadata.ThreadReferences.Should().Equal(
            AbcHash, ThreadKeys.Hash("r2@x"), ThreadKeys.Hash("r1@x"));
    }

    [Fact]
    public void ReferencesAreCappedAtTen()
    {
        string references = string.Join(" ", Enumerable.Range(1, 15).Select(i => $"<id{i}@x>"));
        MessageMetadata metadata = TestTree.Build($"Message-ID: <m@x>\nReferences: {references}\n\nx\n");
        metadata.ThreadReferences.Should().HaveCount(10);
        metadata.ThreadReferences[0].Should().Be(ThreadKeys.Hash("m@x"));
        metadata.ThreadReferences[9].Should().Be(ThreadKeys.Hash("id9@x"));
    }

    [Fact]
    public void ThreadIndexUsesFirst22Characters()
    {
        MessageMetadata metadata = TestTree.Build("Thread-Index: AQHZ1234567890abcdefghXYZ123\n\nx\n");
        metadata.ThreadReferences.Should().Equal(ThreadKeys.Hash("AQHZ1234567890abcdefgh"));
    }

    [Fact]
    public void LastMessageIdIsUsed()
    {
        TestTree.Build("Message-ID: <first@x>\nMessage-ID: <abc>\n\nx\n").ThreadReferences.Should().Equal(AbcHash);
    }

    [Fact]
    public void NoReferenceHeadersGiveNoReferences()
    {
        TestTree.Build("Subject: s\n\nx\n").ThreadReferences.Should().BeEmpty();
    }

    [Fact]
    public void HashIsStable()
    {
        ThreadKeys.Hash("abc").Should().Be(AbcHash);
        Encoding.ASCII.GetByteCount(ThreadKeys.Hash("x")).Should().Be(27);
    }
}
