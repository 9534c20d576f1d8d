// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using FluentAssertions;
using Xunit;

namespace WildDuck.Imap.Tests;

/// <summary>BINARY (RFC 3516): decoded parts in literal8, BINARY.SIZE, APPEND of a literal8.</summary>
public sealed class BinaryTests
{
    private const string Message =
        "Subject: bin\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
        "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n" +
        "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n" +
        "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-unknown\r\n\r\nzzz\r\n--b--\r\n";

    [Fact]
    public async Task BinarySectionIsDecodedAndSized()
    {
        await using var server = await ImapTestServer.StartAsync();
        await using var raw = await RawImapConnection.OpenAsync(server);
        await raw.SendAsync($"a1 APPEND INBOX {{{Message.Length}+}}\r\n{Message}\r\n");
        (await raw.ReadUntilTaggedAsync("a1"))[^1].Should().StartWith("a1 OK");
        await raw.CommandAsync("a2", "SELECT INBOX");
        (await raw.CommandAsync("a3", "FETCH 1 (BINARY.SIZE[2])")).Should().Equal("* 1 FETCH (BINARY.SIZE[2] 4)", "a3 OK FETCH completed");
        await raw.SendAsync("a4 FETCH 1 (BINARY.PEEK[2])\r\n");
        (await raw.ReadLineAsync()).Should().Be("* 1 FETCH (BINARY[2] ~{4}");
        var bytes = await raw.ReadBytesAsync(4);
        bytes.Should().Equal(0, 1, 2, 255);
        (await raw.ReadLineAsync()).Should().Be(")");
        (await raw.ReadLineAsync()).Should().Be("a4 OK FETCH completed");

        // RFC 3516 §4.3: an encoding the server cannot decode is NO [UNKNOWN-CTE].
        (await raw.CommandAsync("a5", "FETCH 1 (BINARY.PEEK[3])"))[^1].Should().StartWith("a5 NO [UNKNOWN-CTE]");
        (await raw.CommandAsync("a6", "NOOP"))[^1].Should().Be("a6 OK NOOP completed");
    }

    [Fact]
    public async Task AppendOfALiteral8KeepsNulBytes()
    {
        await using var server = await ImapTestServer.StartAsync();
        await using var raw = await RawImapConnection.OpenAsync(server);
        var body = "Subject: nul\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\na\0b\r\n";
        await raw.SendAsync($"a1 APPEND INBOX ~{{{body.Length}+}}\r\n");
        await raw.SendBytesAsync(System.Text.Encoding.ASCII.GetBytes(body));
        await raw.SendAsync("\r\n");
        (await raw.ReadUntilTaggedAsync("a1"))[^1].Should().StartWith("a1 OK [APPENDUID");
        await raw.CommandAsync("a2", "SELECT INBOX");
        await raw.SendAsync("a3 FETCH 1 (BINARY.PEEK[1])\r\n");
        var header = await raw.ReadLineAsync();
        header.Should().Be("* 1 FETCH (BINARY[1] ~{5}");
        (await raw.ReadBytesAsync(5)).Should().Equal((byte)'a', 0, (byte)'b', 13, 10);
        (await raw.ReadLineAsync()).Should().Be(")");
        (await raw.ReadLineAsync()).Should().Be("a3 OK FETCH completed");
    }
}
