// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using WildDuck.Imap.Session;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class UidRunListTests
{
    [Fact]
    public void ConsecutiveUidsTakeOneRun()
    {
        var list = new UidRunList(Enumerable.Range(1, 5000).Select(i => (uint)i).ToArray());
        list.Count.Should().Be(5000);
        list.RunCount.Should().Be(1);
        list[0].Should().Be(1);
        list[4999].Should().Be(5000);
        list.BinarySearch(2500).Should().Be(2499);
        list.BinarySearch(5001).Should().BeNegative();
        list.Last.Should().Be(5000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomAddsAndRemovesMatchAPlainList(int seed)
    {
        var random = new Random(seed);
        var reference = new List<uint>();
        uint next = 1;
        for (var i = 0; i < 300; i++)
        {
            next += (uint)(random.Next(4) == 0 ? random.Next(2, 5) : 1);
            reference.Add(next);
        }

        var list = new UidRunList(reference.ToArray());
        for (var step = 0; step < 2000; step++)
        {
            if (reference.Count > 0 && random.Next(3) == 0)
            {
                var index = random.Next(reference.Count);
                reference.RemoveAt(index);
                list.RemoveAt(index);
            }
            else
            {
                next += (uint)random.Next(1, 3);
                reference.Add(next);
                list.Add(next);
            }

            if (step % 97 == 0)
            {
                list.ToArray().Should().Equal(reference);
            }
        }

        list.Count.Should().Be(reference.Count);
        list.ToArray().Should().Equal(reference);
        for (var i = 0; i < reference.Count; i++)
        {
            list[i].Should().Be(reference[i]);
            list.BinarySearch(reference[i]).Should().Be(i);
        }

        list.BinarySearch(next + 1).Should().BeNegative();
        for (uint probe = 0; probe <= next + 1; probe += 7)
        {
            list.LowerBound(probe).Should().Be(reference.Count(u => u < probe), "LowerBound({0})", probe);
        }
    }

    [Fact]
    public void AddingOutOfOrderIsRefused()
    {
        var list = new UidRunList(new uint[] { 5, 6 });
        var act = () => list.Add(6);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void RemovingSplitsAndMergesRunsCorrectly()
    {
        var list = new UidRunList(new uint[] { 1, 2, 3, 4, 5 });
        list.RemoveAt(2);
        list.ToArray().Should().Equal(1u, 2u, 4u, 5u);
        list.RunCount.Should().Be(2);
        list.RemoveAt(0);
        list.RemoveAt(2);
        list.ToArray().Should().Equal(2u, 4u);
        list.RemoveAt(0);
        list.RemoveAt(0);
        list.Count.Should().Be(0);
        list.Last.Should().Be(0);
        list.Add(9);
        list.ToArray().Should().Equal(9u);
    }
}
