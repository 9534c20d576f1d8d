// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace WildDuck.Hosting.Internal;

/// <summary>
/// Parses a PROXY protocol header, version 1 (text) or 2 (binary), auto-detected from the first byte
/// (HAProxy "The PROXY protocol", versions 1 and 2). Pure and bounded: "need more" consumes nothing,
/// a v1 line is at most 107 bytes, and a v2 header at most 16 + <see cref="MaxV2AddressLength"/>.
/// </summary>
internal static class ProxyProtocolParser
{
    /// <summary>Longest v1 line including CRLF (spec §2.1: "107 characters").</summary>
    public const int MaxV1Length = 107;

    /// <summary>
    /// Cap on the v2 length field: room for IPv6 addresses plus TLVs a load balancer typically adds
    /// (the spec allows 65535; buffering that much per unauthenticated connection is not worth it).
    /// </summary>
    public const int MaxV2AddressLength = 2048;

    /// <summary>The most bytes a header can take.</summary>
    public const int MaxHeaderLength = 16 + MaxV2AddressLength;

    private static ReadOnlySpan<byte> V2Signature => "\r\n\r\n\0\r\nQUIT\n"u8;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>Parses a header at the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Received bytes.</param>
    /// <param name="header">The header when <see cref="ProxyParseStatus.Done"/>.</param>
    /// <param name="consumed">Bytes taken by the header when <see cref="ProxyParseStatus.Done"/>; otherwise 0.</param>
    public static ProxyParseStatus TryParse(in ReadOnlySequence<byte> buffer, out ProxyHeader header, out int consumed)
    {
        if (buffer.IsSingleSegment)
        {
            return TryParse(buffer.FirstSpan, out header, out consumed);
        }

        // Headers are small: copy a bounded window of a fragmented buffer to parse it in one span.
        int length = (int)Math.Min(buffer.Length, MaxHeaderLength);
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer.Slice(0, length).CopyTo(rented);
            return TryParse(rented.AsSpan(0, length), out header, out consumed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc cref="TryParse(in ReadOnlySequence{byte}, out ProxyHeader, out int)"/>
    public static ProxyParseStatus TryParse(ReadOnlySpan<byte> buffer, out ProxyHeader header, out int consumed)
    {
        header = default;
        consumed = 0;
        if (buffer.IsEmpty)
        {
            return ProxyParseStatus.NeedMoreData;
        }

        return buffer[0] == (byte)'P' ? ParseV1(buffer, out header, out consumed) : ParseV2(buffer, out header, out consumed);
    }

    private static ProxyParseStatus ParseV1(ReadOnlySpan<byte> buffer, out ProxyHeader header, out int consumed)
    {
        header = default;
        consumed = 0;
        int prefix = Math.Min(buffer.Length, V1Prefix.Length);
        if (!buffer[..prefix].SequenceEqual(V1Prefix[..prefix]))
        {
            return ProxyParseStatus.Invalid;
        }

        ReadOnlySpan<byte> window = buffer.Length > MaxV1Length ? buffer[..MaxV1Length] : buffer;
        int lf = window.IndexOf((byte)'\n');
        if (lf < 0)
        {
            // Bound first (Kestrel TakeStartLine): no terminator within the limit is an error, not a wait.
            return buffer.Length >= MaxV1Length ? ProxyParseStatus.Invalid : ProxyParseStatus.NeedMoreData;
        }

        if (lf == 0 || window[lf - 1] != (byte)'\r')
        {
            return ProxyParseStatus.Invalid;
        }

        ReadOnlySpan<byte> line = window[V1Prefix.Length..(lf - 1)];
        if (!NextToken(ref line, out ReadOnlySpan<byte> protocol))
        {
            return ProxyParseStatus.Invalid;
        }

        if (protocol.SequenceEqual("UNKNOWN"u8))
        {
            // §2.1: with UNKNOWN the receiver must ignore everything up to the CRLF and keep the socket's addresses.
            header = new ProxyHeader(1, null, null);
            consumed = lf + 1;
            return ProxyParseStatus.Done;
        }

        bool v4;
        if (protocol.SequenceEqual("TCP4"u8))
        {
            v4 = true;
        }
        else if (protocol.SequenceEqual("TCP6"u8))
        {
            v4 = false;
        }
        else
        {
            return ProxyParseStatus.Invalid;
        }

        if (!NextToken(ref line, out ReadOnlySpan<byte> source)
            || !NextToken(ref line, out ReadOnlySpan<byte> destination)
            || !NextToken(ref line, out ReadOnlySpan<byte> sourcePort)
            || !NextToken(ref line, out ReadOnlySpan<byte> destinationPort)
            || !line.IsEmpty
            || !TryParseAddress(source, v4, out IPAddress? sourceAddress)
            || !TryParseAddress(destination, v4, out IPAddress? destinationAddress)
            || !TryParsePort(sourcePort, out int sp)
            || !TryParsePort(destinationPort, out int dp))
        {
            return ProxyParseStatus.Invalid;
        }

        header = new ProxyHeader(1, new IPEndPoint(sourceAddress, sp), new IPEndPoint(destinationAddress, dp));
        consumed = lf + 1;
        return ProxyParseStatus.Done;
    }

    private static ProxyParseStatus ParseV2(ReadOnlySpan<byte> buffer, out ProxyHeader header, out int consumed)
    {
        header = default;
        consumed = 0;
        int prefix = Math.Min(buffer.Length, V2Signature.Length);
        if (!buffer[..prefix].SequenceEqual(V2Signature[..prefix]))
        {
            return ProxyParseStatus.Invalid;
        }

        if (buffer.Length < 13)
        {
            return ProxyParseStatus.NeedMoreData;
        }

        // §2.2: high nibble is the version (2), low nibble the command (0 LOCAL, 1 PROXY).
        byte versionCommand = buffer[12];
        int command = versionCommand & 0x0F;
        if ((versionCommand >> 4) != 2 || command > 1)
        {
            return ProxyParseStatus.Invalid;
        }

        if (buffer.Length < 16)
        {
            return ProxyParseStatus.NeedMoreData;
        }

        byte familyTransport = buffer[13];
        int family = familyTransport >> 4;
        int transport = familyTransport & 0x0F;
        int length = BinaryPrimitives.ReadUInt16BigEndian(buffer[14..]);
        if (family > 3 || transport > 2 || length > MaxV2AddressLength)
        {
            return ProxyParseStatus.Invalid;
        }

        if (buffer.Length < 16 + length)
        {
            return ProxyParseStatus.NeedMoreData;
        }

        ReadOnlySpan<byte> addresses = buffer.Slice(16, length);
        consumed = 16 + length;
        if (command == 0 || family is 0 or 3)
        {
            // LOCAL (health checks from the proxy itself) and UNSPEC/UNIX: keep the socket's addresses.
            header = new ProxyHeader(2, null, null);
            return ProxyParseStatus.Done;
        }

        if (family == 1)
        {
            if (length < 12)
            {
                consumed = 0;
                return ProxyParseStatus.Invalid;
            }

            header = new ProxyHeader(
                2,
                new IPEndPoint(new IPAddress(addresses[..4]), BinaryPrimitives.ReadUInt16BigEndian(addresses[8..])),
                new IPEndPoint(new IPAddress(addresses[4..8]), BinaryPrimitives.ReadUInt16BigEndian(addresses[10..])));
            return ProxyParseStatus.Done;
        }

        if (length < 36)
        {
            consumed = 0;
            return ProxyParseStatus.Invalid;
        }

        header = new ProxyHeader(
            2,
            new IPEndPoint(new IPAddress(addresses[..16]), BinaryPrimitives.ReadUInt16BigEndian(addresses[32..])),
            new IPEndPoint(new IPAddress(addresses[16..32]), BinaryPrimitives.ReadUInt16BigEndian(addresses[34..])));
        return ProxyParseStatus.Done;
    }

    private static bool NextToken(ref ReadOnlySpan<byte> line, out ReadOnlySpan<byte> token)
    {
        // Tokens are separated by exactly one space (§2.1); empty tokens are malformed.
        int space = line.IndexOf((byte)' ');
        token = space < 0 ? line : line[..space];
        line = space < 0 ? ReadOnlySpan<byte>.Empty : line[(space + 1)..];
        return !token.IsEmpty && (space < 0 || !line.IsEmpty);
    }

    private static bool TryParseAddress(ReadOnlySpan<byte> text, bool v4, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.Length > 45)
        {
            return false;
        }

        Span<char> chars = stackalloc char[45];
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            bool ok = v4 ? (b is >= (byte)'0' and <= (byte)'9' or (byte)'.') : (char.IsAsciiHexDigit((char)b) || b is (byte)':' or (byte)'.');
            if (!ok)
            {
                return false;
            }

            chars[i] = (char)b;
        }

        // IPAddress.TryParse accepts legacy forms ("1.2.3", "010.1.1.1" as octal); the spec wants dotted quads.
        if ((v4 && text.Count((byte)'.') != 3) || !IPAddress.TryParse(chars[..text.Length], out address))
        {
            return false;
        }

        return address.AddressFamily == (v4 ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6);
    }

    private static bool TryParsePort(ReadOnlySpan<byte> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5 || (text.Length > 1 && text[0] == (byte)'0'))
        {
            return false;
        }

        foreach (byte b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            port = (port * 10) + (b - '0');
        }

        return port <= 65535;
    }
}
