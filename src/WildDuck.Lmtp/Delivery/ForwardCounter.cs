// SPDX-License-Identifier: MIT
using System;
using System.Collections.Concurrent;
using WildDuck.Storage;

namespace WildDuck.Lmtp;

/// <summary>
/// Counts forwarded copies per user in fixed 24-hour windows that start at the first forward
/// (WildDuck's <c>wdf:&lt;id&gt;</c> counter). In process: with several instances each counts its
/// own deliveries; a shared counter arrives with the Redis backend.
/// </summary>
internal sealed class ForwardCounter
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<UserId, Bucket> _buckets = new();
    private readonly TimeProvider _time;

    public ForwardCounter(TimeProvider time) => _time = time;

    /// <summary>Counts <paramref name="count"/> forwards unless that would pass <paramref name="limit"/>.</summary>
    public bool TryConsume(UserId user, int count, int limit)
    {
        if (count > limit)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        var bucket = _buckets.GetOrAdd(user, static (_, start) => new Bucket(start), now);
        lock (bucket)
        {
            if (now - bucket.Start >= Window)
            {
                bucket.Start = now;
                bucket.Count = 0;
            }

            if (bucket.Count + count > limit)
            {
                return false;
            }

            bucket.Count += count;
            return true;
        }
    }

    private sealed class Bucket(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; set; } = start;

        public int Count { get; set; }
    }
}
