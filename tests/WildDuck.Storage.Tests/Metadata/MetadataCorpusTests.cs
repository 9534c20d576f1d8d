// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using FluentAssertions;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Tests;

/// <summary>
/// Smoke test over the MimeKit corpus with the test tree helper: the individual builders (which,
/// unlike <see cref="MessageMetadataBuilder"/>, do not swallow exceptions) must not throw, and the
/// IMAP output must be balanced and, for the envelope, parseable.
/// </summary>
public class MetadataCorpusTests
{
    private static string CorpusRoot => Path.Combine(AppContext.BaseDirectory, "corpus", "mimekit");

    public static IEnumerable<object[]> Files()
    {
        foreach ((string folder, string pattern) in new[] { ("messages", "*"), ("dkim", "*.msg"), ("openpgp", "*.eml"), ("smime", "*.eml") })
        {
            string directory = Path.Combine(CorpusRoot, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (string file in Directory.GetFiles(directory, pattern))
            {
                yield return new object[] { folder + "/" + Path.GetFileName(file) };
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void BuildersDoNotThrowOnCorpus(string name)
    {
        byte[] message = NormalizeCrlf(File.ReadAllBytes(Path.Combine(CorpusRoot, name)));
        MimePartNode root = TestTree.Parse(message);
        var view = new MessageView(message);

        byte[] envelope = EnvelopeBuilder.Build(view.Headers(root));
        byte[] bodyStructure = BodyStructureBuilder.Build(view, root, extensible: true);
        byte[] body = BodyStructureBuilder.Build(view, root, extensible: false);
        ExtractedText text = MessageTextExtractor.Extract(view, root, new MessageLimits());

        envelope[0].Should().Be((byte)'(');
        bodyStructure[0].Should().Be((byte)'(');
        body.Length.Should().BeLessThanOrEqualTo(bodyStructure.Length);
        text.SearchBody.Should().NotBeNull();
        ThreadKeys.References(view.Headers(root)).Count.Should().BeLessThanOrEqualTo(10);
    }

    [Fact]
    public void Rfc2060PartSpecifierSampleStructure()
    {
        string path = Path.Combine(CorpusRoot, "messages", "rfc2060.txt");
        MessageMetadata metadata = TestTree.Build(NormalizeCrlf(File.ReadAllBytes(path)));
        const string me = "((NIL NIL \"me\" \"myself.com\"))";
        Encoding.ASCII.GetString(metadata.BodyStructure).Should().StartWith(
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 34 1 NIL NIL NIL NIL)"
            + "(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" 34 NIL NIL NIL NIL)"
            + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 318 (NIL \"This part specifier should be: 3\" " + me + " " + me + " " + me + " " + me + " NIL NIL NIL NIL) ((");
        metadata.Subject.Should().Be("Sample message structure for IMAP part specifiers");
        metadata.SearchBody.Should().Contain("This part specifier should be: 4.2.2.1");
    }

    private static byte[] NormalizeCrlf(byte[] input)
    {
        var output = new List<byte>(input.Length + 64);
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i] == '\n' && (i == 0 || input[i - 1] != '\r'))
            {
                output.Add((byte)'\r');
            }

            output.Add(input[i]);
        }

        return output.ToArray();
    }
}
