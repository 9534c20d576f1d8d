// SPDX-License-Identifier: MIT

// No using directives: this file is also compiled into the benchmark and load-test programs
// (linked), whose global usings differ, and a duplicated using is an IDE0005 error.
namespace WildDuck.Storage.Conformance;

/// <summary>Splits the corpus' mbox files (RFC 4155 "From " separated) into messages.</summary>
public static class Mbox
{
    /// <summary>
    /// Splits on "From " at line start; the separator line itself is not part of the message.
    /// A message may be empty (two separators in a row): callers decide whether to keep it.
    /// </summary>
    public static System.Collections.Generic.List<byte[]> Split(byte[] mbox)
    {
        System.ArgumentNullException.ThrowIfNull(mbox);
        var starts = new System.Collections.Generic.List<int>();
        for (var i = 0; i + 5 <= mbox.Length; i++)
        {
            if ((i == 0 || mbox[i - 1] == (byte)'\n') && System.MemoryExtensions.SequenceEqual(new System.ReadOnlySpan<byte>(mbox, i, 5), "From "u8))
            {
                starts.Add(i);
            }
        }

        var messages = new System.Collections.Generic.List<byte[]>(starts.Count);
        for (var m = 0; m < starts.Count; m++)
        {
            var lineEnd = System.Array.IndexOf(mbox, (byte)'\n', starts[m]);
            var begin = lineEnd < 0 ? mbox.Length : lineEnd + 1;
            var end = m + 1 < starts.Count ? starts[m + 1] : mbox.Length;
            messages.Add(new System.ReadOnlySpan<byte>(mbox, begin, System.Math.Max(0, end - begin)).ToArray());
        }

        return messages;
    }
}
