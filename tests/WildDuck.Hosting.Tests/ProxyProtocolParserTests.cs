// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using FluentAssertions;
using WildDuck.Hosting.Internal;
using Xunit;

namespace WildDuck.Hosting.Tests;

public class ProxyProtocolParserTests
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static TheoryData<string> ValidHeaders => new()
    {
        "v1:PROXY TCP4 192.0.2.1 198.51.100.2 56324 993\r\n",
        "v1:PROXY TCP6 2001:db8::1 2001:db8::2 65535 143\r\n",
        "v1:PROXY UNKNOWN\r\n",
        "v1:PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n",
        "v2:v4",
        "v2:v6",
        "v2:local",
        "v2:unspec",
        "v2:v4tlv",
    };

    internal static byte[] Header(string name) => name switch
    {
        "v2:v4" => V2(0x21, 0x11, [192, 0, 2, 1, 198, 51, 100, 2, 0xDC, 0x04, 0x03, 0xE1]),
        "v2:v6" => V2(0x21, 0x21, [.. IPAddress.Parse("2001:db8::1").GetAddressBytes(), .. IPAddress.Parse("2001:db8::2").GetAddressBytes(), 0x01, 0xBB, 0x00, 0x8F]),
        "v2:local" => V2(0x20, 0x00, []),
        "v2:unspec" => V2(0x21, 0x00, [1, 2, 3]),
        "v2:v4tlv" => V2(0x21, 0x11, [10, 0, 0, 1, 10, 0, 0, 2, 0, 80, 0, 81, 0x04, 0x00, 0x03, 1, 2, 3]),
        _ => Encoding.ASCII.GetBytes(name[3..]),
    };

    private static byte[] V2(byte versionCommand, byte family, byte[] body)
        => [.. Signature, versionCommand, family, (byte)(body.Length >> 8), (byte)body.Length, .. body];

    [Fact]
    public void ParsesV1Tcp4()
    {
        byte[] data = Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.1 198.51.100.2 56324 993\r\nA1 NOOP\r\n");
        ProxyProtocolParser.TryParse(data, out var header, out int consumed).Should().Be(ProxyParseStatus.Done);
        consumed.Should().Be(data.Length - "A1 NOOP\r\n".Length);
        header.Version.Should().Be(1);
        header.Source.Should().Be(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 56324));
        header.Destination.Should().Be(new IPEndPoint(IPAddress.Parse("198.51.100.2"), 993));
    }

    [Fact]
    public void ParsesV1Tcp6()
    {
        byte[] data = Header("v1:PROXY TCP6 2001:db8::1 2001:db8::2 65535 143\r\n");
        ProxyProtocolParser.TryParse(data, out var header, out int consumed).Should().Be(ProxyParseStatus.Done);
        consumed.Should().Be(data.Length);
        header.Source.Should().Be(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 65535));
        header.Destination!.Port.Should().Be(143);
    }

    [Fact]
    public void V1UnknownKeepsSocketAddresses()
    {
        byte[] data = Header("v1:PROXY UNKNOWN whatever follows\r\n");
        ProxyProtocolParser.TryParse(data, out var header, out int consumed).Should().Be(ProxyParseStatus.Done);
        consumed.Should().Be(data.Length);
        header.Source.Should().BeNull();
    }

    [Fact]
    public void ParsesV2Ipv4()
    {
        byte[] data = [.. Header("v2:v4"), .. "A1 NOOP\r\n"u8.ToArray()];
        ProxyProtocolParser.TryParse(data, out var header, out int consumed).Should().Be(ProxyParseStatus.Done);
        consumed.Should().Be(28);
        header.Version.Should().Be(2);
        header.Source.Should().Be(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 56324));
        header.Destination.Should().Be(new IPEndPoint(IPAddress.Parse("198.51.100.2"), 993));
    }

    [Fact]
    public void ParsesV2Ipv6()
    {
        byte[] data = Header("v2:v6");
        ProxyProtocolParser.TryParse(data, out var header, out int consumed).Should().Be(ProxyParseStatus.Done);
        consumed.Should().Be(16 + 36);
        header.Source.Should().Be(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 443));
        header.Destination.Should().Be(new IPEndPoint(IPAddress.Parse("2001:db8::2"), 143));
    }

    [Theory]
    [InlineData("v2:local")]
    [InlineData("v2:unspec")]
    public void V2LocalAndUnspecKeepSocketAddresses(string name)
    {
        byte[] data = Header(name);
        ProxyProtocolParser.TryParse(data, out var header, out int consumed).Should().Be(ProxyParseStatus.Done);
        consumed.Should().Be(data.Length);
        header.Source.Should().BeNull();
    }

    [Fact]
    public void V2TlvsAreSkipped()
    {
        byte[] data = Header("v2:v4tlv");
        ProxyProtocolParser.TryParse(data, out var header, out int consumed).Should().Be(ProxyParseStatus.Done);
        consumed.Should().Be(data.Length);
        header.Source!.Port.Should().Be(80);
    }

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void EveryProperPrefixNeedsMoreAndConsumesNothing(string name)
    {
        byte[] data = Header(name);
        for (int i = 0; i < data.Length; i++)
        {
            ProxyProtocolParser.TryParse(data.AsSpan(0, i), out _, out int consumed)
                .Should().Be(ProxyParseStatus.NeedMoreData, "prefix of length {0}", i);
            consumed.Should().Be(0);
        }

        ProxyProtocolParser.TryParse(data, out _, out int all).Should().Be(ProxyParseStatus.Done);
        all.Should().Be(data.Length);
    }

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void SplitBuffersParseLikeOneBuffer(string name)
    {
        byte[] data = [.. Header(name), (byte)'X'];
        ProxyProtocolParser.TryParse(data, out var expected, out int expectedConsumed).Should().Be(ProxyParseStatus.Done);

        // Byte-per-segment, the worst fragmentation.
        var sequence = Segments.Create(data.Select(b => new[] { b }).ToArray());
        ProxyProtocolParser.TryParse(sequence, out var actual, out int consumed).Should().Be(ProxyParseStatus.Done);
        actual.Should().Be(expected);
        consumed.Should().Be(expectedConsumed);

        // Two halves.
        int half = data.Length / 2;
        var halves = Segments.Create(data[..half], data[half..]);
        ProxyProtocolParser.TryParse(halves, out actual, out consumed).Should().Be(ProxyParseStatus.Done);
        actual.Should().Be(expected);
        consumed.Should().Be(expectedConsumed);
    }

    [Theory]
    [InlineData("A1 LOGIN a b\r\n")]
    [InlineData("PROXY\r\n")]
    [InlineData("PROXY TCP4\r\n")]
    [InlineData("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n")]
    [InlineData("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 2001:db8::1 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP6 1.2.3.4 2001:db8::1 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.x 5.6.7.8 1 2\r\n")]
    [InlineData("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    public void MalformedV1IsRejected(string text)
    {
        ProxyProtocolParser.TryParse(Encoding.ASCII.GetBytes(text), out _, out int consumed).Should().Be(ProxyParseStatus.Invalid);
        consumed.Should().Be(0);
    }

    [Fact]
    public void V1WithoutTerminatorWithin107BytesIsRejected()
    {
        byte[] data = Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('a', 93));
        data.Length.Should().Be(107);
        ProxyProtocolParser.TryParse(data.AsSpan(0, 106), out _, out _).Should().Be(ProxyParseStatus.NeedMoreData);
        ProxyProtocolParser.TryParse(data, out _, out _).Should().Be(ProxyParseStatus.Invalid);
    }

    [Fact]
    public void V1LineOfExactly107BytesIsAccepted()
    {
        byte[] data = Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('a', 91) + "\r\n");
        data.Length.Should().Be(107);
        ProxyProtocolParser.TryParse(data, out _, out int consumed).Should().Be(ProxyParseStatus.Done);
        consumed.Should().Be(107);
    }

    public static IEnumerable<object[]> MalformedV2()
    {
        byte[] good = Header("v2:v4");
        byte[] badSignature = [.. good];
        badSignature[7] = (byte)'q';
        yield return new object[] { "bad signature", badSignature };
        byte[] version1 = [.. good];
        version1[12] = 0x11;
        yield return new object[] { "version 1 in binary", version1 };
        byte[] command = [.. good];
        command[12] = 0x22;
        yield return new object[] { "unknown command", command };
        byte[] family = [.. good];
        family[13] = 0x41;
        yield return new object[] { "unknown family", family };
        byte[] transport = [.. good];
        transport[13] = 0x13;
        yield return new object[] { "unknown transport", transport };
        yield return new object[] { "inet too short", V2(0x21, 0x11, [1, 2, 3, 4]) };
        yield return new object[] { "inet6 too short", V2(0x21, 0x21, new byte[20]) };
    }

    [Theory]
    [MemberData(nameof(MalformedV2))]
    public void MalformedV2IsRejected(string reason, byte[] data)
    {
        ProxyProtocolParser.TryParse(data, out _, out int consumed).Should().Be(ProxyParseStatus.Invalid, reason);
        consumed.Should().Be(0);
    }

    [Fact]
    public void V2LengthOverTheCapIsRejectedBeforeTheBodyArrives()
    {
        byte[] header = [.. Signature, 0x21, 0x11, 0x08, 0x01];
        header.Length.Should().Be(16);
        ProxyProtocolParser.TryParse(header, out _, out _).Should().Be(ProxyParseStatus.Invalid);

        byte[] atCap = [.. Signature, 0x21, 0x11, (byte)(ProxyProtocolParser.MaxV2AddressLength >> 8), unchecked((byte)ProxyProtocolParser.MaxV2AddressLength)];
        ProxyProtocolParser.TryParse(atCap, out _, out _).Should().Be(ProxyParseStatus.NeedMoreData);
    }
}

internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Create(params byte[][] parts)
    {
        var first = new Segments(parts[0], 0);
        var last = first;
        for (int i = 1; i < parts.Length; i++)
        {
            var next = new Segments(parts[i], last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
