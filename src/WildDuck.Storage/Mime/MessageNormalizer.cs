// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage.Mime;

/// <summary>
/// Turns bare LF line endings into CRLF, once, at ingest. The normalised bytes are <em>the</em>
/// message from then on: RFC822.SIZE is their length and every stored offset points into them.
/// </summary>
/// <remarks>
/// IMAP (RFC 3501 §2.3.1 / RFC 9051 §2.3.1) and RFC 5322 §2.3 require CRLF line endings. Only a
/// bare LF (one not preceded by CR) gains a CR; a lone CR not followed by LF, existing CRLFs, NUL
/// and 8-bit bytes are kept exactly, so a message that already uses CRLF is stored byte for byte.
/// </remarks>
public static class MessageNormalizer
{
    /// <summary>Number of bytes the normalised form of <paramref name="raw"/> has.</summary>
    /// <param name="raw">The message as received.</param>
    /// <returns>The normalised length (raw length plus the number of bare LFs).</returns>
    public static long GetNormalizedLength(ReadOnlySpan<byte> raw) => raw.Length + CountBareLineFeeds(raw);

    /// <summary>
    /// Normalises <paramref name="raw"/>. Returns the same memory (no copy) when it contains no bare
    /// LF; otherwise a new array.
    /// </summary>
    /// <param name="raw">The message as received.</param>
    /// <param name="maxMessageSize">
    /// Largest accepted normalised length (<see cref="MessageLimits.MaxMessageSize"/>).
    /// </param>
    /// <returns>The CRLF-normalised message.</returns>
    /// <exception cref="MessageLimitExceededException">The normalised message is larger than <paramref name="maxMessageSize"/>.</exception>
    public static ReadOnlyMemory<byte> Normalize(ReadOnlyMemory<byte> raw, long maxMessageSize)
    {
        ReadOnlySpan<byte> span = raw.Span;

        // Bound first: a message already over the limit is refused before it is scanned.
        if (span.Length > maxMessageSize)
        {
            throw new MessageLimitExceededException(MessageLimit.Size, span.Length, maxMessageSize);
        }

        int bare = CountBareLineFeeds(span);
        long normalizedLength = (long)span.Length + bare;
        if (normalizedLength > maxMessageSize)
        {
            throw new MessageLimitExceededException(MessageLimit.Size, normalizedLength, maxMessageSize);
        }

        if (bare == 0)
        {
            return raw;
        }

        if (normalizedLength > Array.MaxLength)
        {
            throw new MessageLimitExceededException(MessageLimit.Size, normalizedLength, Array.MaxLength);
        }

        var output = new byte[normalizedLength];
        int written = 0;
        int start = 0;
        while (start < span.Length)
        {
            int lf = span[start..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                span[start..].CopyTo(output.AsSpan(written));
                written += span.Length - start;
                break;
            }

            int at = start + lf;
            span[start..at].CopyTo(output.AsSpan(written));
            written += at - start;
            if (at == 0 || span[at - 1] != (byte)'\r')
            {
                output[written++] = (byte)'\r';
            }

            output[written++] = (byte)'\n';
            start = at + 1;
        }

        System.Diagnostics.Debug.Assert(written == output.Length, "normalised length mismatch");
        return output;
    }

    private static int CountBareLineFeeds(ReadOnlySpan<byte> span)
    {
        int count = 0;
        int start = 0;
        while (start < span.Length)
        {
            int lf = span[start..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                break;
            }

            int at = start + lf;
            if (at == 0 || span[at - 1] != (byte)'\r')
            {
                count++;
            }

            start = at + 1;
        }

        return count;
    }
}
