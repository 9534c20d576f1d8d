// SPDX-License-Identifier: MIT
using System;
using System.IO;

namespace WildDuck.Api.Internal;

/// <summary>
/// Removes every occurrence of one header field (with its folded continuation lines, RFC 5322
/// §2.2.3) from a message's header block and leaves every other byte as it is. Used to strip
/// <c>Bcc</c> from the transmitted copy of a submission, as WildDuck's maildrop does (reference §6.7).
/// </summary>
internal static class HeaderFieldRemover
{
    public static byte[] Remove(ReadOnlySpan<byte> message, ReadOnlySpan<byte> fieldName)
    {
        using var output = new MemoryStream(message.Length);
        int position = 0;
        bool skipping = false;
        while (position < message.Length)
        {
            int lineEnd = message[position..].IndexOf((byte)'\n');
            int next = lineEnd < 0 ? message.Length : position + lineEnd + 1;
            var line = message[position..next];
            if (line.SequenceEqual("\r\n"u8) || line.SequenceEqual("\n"u8))
            {
                // The blank line ends the header block: the rest is body, copied as it is.
                output.Write(message[position..]);
                return output.ToArray();
            }

            bool continuation = line[0] is (byte)' ' or (byte)'\t';
            if (!continuation)
            {
                skipping = IsField(line, fieldName);
            }

            if (!skipping)
            {
                output.Write(line);
            }

            position = next;
        }

        return output.ToArray();
    }

    private static bool IsField(ReadOnlySpan<byte> line, ReadOnlySpan<byte> fieldName)
    {
        int colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            return false;
        }

        var name = line[..colon].TrimEnd(" \t"u8);
        if (name.Length != fieldName.Length)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            if ((name[i] | 0x20) != (fieldName[i] | 0x20))
            {
                return false;
            }
        }

        return true;
    }
}
