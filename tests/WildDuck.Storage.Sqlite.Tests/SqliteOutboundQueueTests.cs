// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>Durability and multi-process behaviour of the SQLite outbound queue.</summary>
public sealed class SqliteOutboundQueueTests
{
    private static OutboundMessage Message(int n) => new()
    {
        Recipients = new[] { $"to{n}@example.org" },
        Content = Encoding.ASCII.GetBytes($"Subject: {n}\r\n\r\nbody\r\n"),
        Reason = "forward",
    };

    [Fact]
    public async Task AnEnqueuedEntrySurvivesReopeningTheFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("wildduck.db");
        EntityId id;
        using (var store = SqliteTestStore.Create(path, durability: SqliteDurability.Full))
        {
            id = await store.EnqueueAsync(Message(1));
            var lease = (await store.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Single();
            (await store.MarkDeferredAsync(id, lease.Token, DateTimeOffset.UtcNow.AddMilliseconds(-1), "421 closing")).Should().BeTrue();
        }

        using var reopened = SqliteTestStore.Create(path);
        var item = await reopened.GetEntryAsync(id);
        item.Should().NotBeNull();
        item!.Entry.State.Should().Be(OutboundState.Deferred);
        item.Entry.Attempts.Should().Be(1);
        item.Entry.LastError.Should().Be("421 closing");
        item.Content.ToArray().Should().Equal(Message(1).Content.ToArray());
    }

    [Fact]
    public async Task TwoStoresOnOneFileNeverClaimTheSameEntry()
    {
        using var dir = new TempDirectory();
        var path = dir.File("wildduck.db");
        using var first = SqliteTestStore.Create(path);
        using var second = SqliteTestStore.Create(path);
        for (var i = 0; i < 30; i++)
        {
            await first.EnqueueAsync(Message(i));
        }

        async Task<EntityId[]> Drain(SqliteMailStore store)
        {
            var ids = new System.Collections.Generic.List<EntityId>();
            while (true)
            {
                var batch = await store.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 2, LeaseTime = TimeSpan.FromMinutes(1) });
                if (batch.Count == 0)
                {
                    return ids.ToArray();
                }

                ids.AddRange(batch.Select(l => l.Entry.Id));
            }
        }

        var results = await Task.WhenAll(Task.Run(() => Drain(first)), Task.Run(() => Drain(second)));

        results.SelectMany(r => r).Should().HaveCount(30).And.OnlyHaveUniqueItems();
    }
}
