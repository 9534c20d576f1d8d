// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;

namespace WildDuck.Imap.Tests.Protocol;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s (the Bedrock/RESPite test pattern).</summary>
internal static class TestSequence
{
    public static ReadOnlySequence<byte> Split(byte[] data, IReadOnlyList<int> cuts)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var pieces = new List<ReadOnlyMemory<byte>>();
        var start = 0;
        foreach (var cut in cuts)
        {
            if (cut > start && cut < data.Length)
            {
                pieces.Add(data.AsMemory(start, cut - start));
                start = cut;
            }
        }

        pieces.Add(data.AsMemory(start));
        Segment? first = null;
        Segment? last = null;
        foreach (var piece in pieces)
        {
            var seg = new Segment(piece);
            if (first is null)
            {
                first = last = seg;
            }
            else
            {
                last = last!.Append(seg);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    public static ReadOnlySequence<byte> BytePerSegment(byte[] data)
    {
        var cuts = new int[data.Length];
        for (var i = 0; i < cuts.Length; i++)
        {
            cuts[i] = i;
        }

        return Split(data, cuts);
    }

    public static ReadOnlySequence<byte> RandomSplit(byte[] data, Random random)
    {
        var cuts = new List<int>();
        var pos = 0;
        while (pos < data.Length)
        {
            pos += random.Next(1, 8);
            cuts.Add(pos);
        }

        return Split(data, cuts);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }
}
