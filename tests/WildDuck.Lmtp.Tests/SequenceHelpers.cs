// SPDX-License-Identifier: MIT
using System.Buffers;

namespace WildDuck.Lmtp.Tests;

/// <summary>Builds multi-segment sequences: split at chosen points, or one byte per segment.</summary>
internal static class SequenceHelpers
{
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] points)
    {
        if (points.Length == 0)
        {
            return new ReadOnlySequence<byte>(data);
        }

        Segment? first = null;
        Segment? last = null;
        var start = 0;
        foreach (var point in points.Append(data.Length))
        {
            var segment = new Segment(data.AsMemory(start, point - start));
            if (first is null)
            {
                first = segment;
            }
            else
            {
                last!.SetNext(segment);
            }

            last = segment;
            start = point;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    public static ReadOnlySequence<byte> BytePerSegment(byte[] data) => Split(data, Enumerable.Range(1, Math.Max(0, data.Length - 1)).ToArray());

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public void SetNext(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
        }
    }
}
