// SPDX-License-Identifier: MIT
using System.Buffers;

namespace WildDuck.Pop3.Tests.Protocol;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, so parsers see every split a socket could produce.</summary>
internal sealed class Segment : ReadOnlySequenceSegment<byte>
{
    public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

    public Segment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
        Next = next;
        return next;
    }

    /// <summary>The bytes split at the given offsets.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] cuts)
    {
        var first = new Segment(bytes.AsMemory(0, cuts.Length == 0 ? bytes.Length : cuts[0]));
        var last = first;
        for (var i = 0; i < cuts.Length; i++)
        {
            var end = i + 1 < cuts.Length ? cuts[i + 1] : bytes.Length;
            last = last.Append(bytes.AsMemory(cuts[i], end - cuts[i]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>One byte per segment.</summary>
    public static ReadOnlySequence<byte> BytePerSegment(byte[] bytes) =>
        bytes.Length < 2 ? new ReadOnlySequence<byte>(bytes) : Split(bytes, Enumerable.Range(1, bytes.Length - 1).ToArray());
}
