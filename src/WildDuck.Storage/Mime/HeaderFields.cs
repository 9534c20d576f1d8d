// SPDX-License-Identifier: MIT
using System;
using System.IO;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Byte-level work on the top-level header block of a message: fields are taken out with their
/// folded continuation lines (RFC 5322 §2.2.3) and every other byte stays as it is.
/// </summary>
public static class HeaderFields
{
    /// <summary>
    /// The message without any <paramref name="fieldName"/> field (case-insensitive), e.g. <c>Bcc</c>
    /// for the transmitted copy of a submission (reference §6.7).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="fieldName">The field name, without the colon.</param>
    /// <returns>The message bytes without that field.</returns>
    public static byte[] Remove(ReadOnlySpan<byte> message, string fieldName)
    {
        ArgumentNullException.ThrowIfNull(fieldName);
        using var kept = new MemoryStream(message.Length);
        int end = Partition(message, name => string.Equals(name, fieldName, StringComparison.OrdinalIgnoreCase), kept, taken: null);
        kept.Write(message[end..]);
        return kept.ToArray();
    }

    /// <summary>
    /// Writes the header fields <paramref name="take"/> selects to <paramref name="taken"/> (when not
    /// null) and the others to <paramref name="kept"/>; returns where the blank line that ends the
    /// header block starts (the message length when the message has none).
    /// </summary>
    internal static int Partition(ReadOnlySpan<byte> message, Func<string, bool> take, Stream kept, Stream? taken)
    {
        int position = 0;
        bool taking = false;
        while (position < message.Length)
        {
            int lineEnd = message[position..].IndexOf((byte)'\n');
            int next = lineEnd < 0 ? message.Length : position + lineEnd + 1;
            var line = message[position..next];
            if (line.SequenceEqual("\r\n"u8) || line.SequenceEqual("\n"u8))
            {
                return position;
            }

            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                int colon = line.IndexOf((byte)':');
                taking = colon > 0 && take(System.Text.Encoding.ASCII.GetString(line[..colon].TrimEnd(" \t"u8)));
            }

            (taking ? taken : kept)?.Write(line);
            position = next;
        }

        return message.Length;
    }
}
