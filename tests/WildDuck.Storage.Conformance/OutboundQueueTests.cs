// SPDX-License-Identifier: MIT
using System.Text;

namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    /// <summary>A small forward numbered <paramref name="n"/>.</summary>
    protected static OutboundMessage NewOutbound(int n, UserId? user = null, string? route = null) => new()
    {
        ReturnPath = n % 2 == 0 ? string.Empty : "alice@example.com",
        Recipients = new[] { $"rcpt{n}@example.org", "second@example.org" },
        Content = Encoding.ASCII.GetBytes($"From: alice@example.com\r\nSubject: Forward {n}\r\n\r\nBody {n}.\r\n"),
        Route = route,
        Reason = "forward",
        User = user,
    };

    [SkippableFact]
    public async Task Outbound_entries_can_be_enqueued_listed_gotten_and_deleted()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var message = NewOutbound(1, user.Id, "smtp://relay.example.org:2525");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var id = await Backend.Outbound.EnqueueAsync(message);

        var item = await Backend.Outbound.GetEntryAsync(id);
        item.Should().NotBeNull();
        item!.Content.ToArray().Should().Equal(message.Content.ToArray());
        var entry = item.Entry;
        entry.Id.Should().Be(id);
        entry.State.Should().Be(OutboundState.Queued);
        entry.Reason.Should().Be("forward");
        entry.User.Should().Be(user.Id);
        entry.ReturnPath.Should().Be("alice@example.com");
        entry.Recipients.Should().Equal("rcpt1@example.org", "second@example.org");
        entry.Route.Should().Be("smtp://relay.example.org:2525");
        entry.Size.Should().Be(message.Content.Length);
        entry.Attempts.Should().Be(0);
        entry.LastError.Should().BeNull();
        entry.LeasedUntil.Should().BeNull();
        entry.Created.Should().BeOnOrAfter(before).And.BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        entry.NextAttempt.Should().BeCloseTo(entry.Created, TimeSpan.FromSeconds(1), "a new entry is due at once");

        (await Backend.Outbound.ListEntriesAsync(new OutboundListRequest())).Select(e => e.Id).Should().Equal(id);

        (await Backend.Outbound.DeleteEntryAsync(id)).Should().BeTrue();
        (await Backend.Outbound.GetEntryAsync(id)).Should().BeNull();
        (await Backend.Outbound.ListEntriesAsync(new OutboundListRequest())).Should().BeEmpty();
        (await Backend.Outbound.DeleteEntryAsync(id)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Several_entries_are_enqueued_all_or_none()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");

        var ids = await Backend.Outbound.EnqueueAllAsync(new[] { NewOutbound(1, user.Id), NewOutbound(2, user.Id, "smtp://relay.example.org"), NewOutbound(3, user.Id, "https://hooks.example.org/in") });
        ids.Should().HaveCount(3).And.OnlyHaveUniqueItems();
        (await Backend.Outbound.ListEntriesAsync(new OutboundListRequest())).Select(e => e.Id).Should().BeEquivalentTo(ids);
        (await Backend.Outbound.GetEntryAsync(ids[1]))!.Entry.Route.Should().Be("smtp://relay.example.org");

        // One bad message refuses the whole batch: nothing of it waits for relay.
        var act = () => Backend.Outbound.EnqueueAllAsync(new[] { NewOutbound(4, user.Id), NewOutbound(5, user.Id) with { Recipients = Array.Empty<string>() } });
        (await act.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.Invalid);
        (await Backend.Outbound.ListEntriesAsync(new OutboundListRequest())).Should().HaveCount(3);
        (await Backend.Outbound.EnqueueAllAsync(Array.Empty<OutboundMessage>())).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_user_cancels_its_queued_submission_but_not_one_being_sent_nor_others_entries()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var queued = await Backend.Outbound.EnqueueAsync(NewOutbound(1, alice.Id) with { Reason = "submission" });
        var forward = await Backend.Outbound.EnqueueAsync(NewOutbound(3, alice.Id));

        (await Backend.Outbound.CancelSubmissionAsync(queued, bob.Id)).Should().Be(OutboundCancelResult.NotFound, "another user's");
        (await Backend.Outbound.CancelSubmissionAsync(forward, alice.Id)).Should().Be(OutboundCancelResult.NotFound, "a forward is owed to its recipient, not the user's to withdraw");
        (await Backend.Outbound.CancelSubmissionAsync(EntityId.NewId(), alice.Id)).Should().Be(OutboundCancelResult.NotFound);
        (await Backend.Outbound.CancelSubmissionAsync(queued, alice.Id)).Should().Be(OutboundCancelResult.Cancelled);
        (await Backend.Outbound.GetEntryAsync(queued)).Should().BeNull();
        (await Backend.Outbound.CancelSubmissionAsync(queued, alice.Id)).Should().Be(OutboundCancelResult.NotFound, "already cancelled");
        (await Backend.Outbound.GetEntryAsync(forward)).Should().NotBeNull();

        // Claimed by a sender: left alone while the lease is live.
        await Backend.Outbound.DeleteEntryAsync(forward);
        var sending = await Backend.Outbound.EnqueueAsync(NewOutbound(5, alice.Id) with { Reason = "submission" });
        var lease = (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 10, LeaseTime = TimeSpan.FromMinutes(10) })).Should().ContainSingle().Subject;
        lease.Entry.Id.Should().Be(sending);
        (await Backend.Outbound.CancelSubmissionAsync(sending, alice.Id)).Should().Be(OutboundCancelResult.Sending);
        (await Backend.Outbound.GetEntryAsync(sending)).Should().NotBeNull();

        // Deferred (lease released): cancellable again, and the sender's late outcome finds nothing.
        (await Backend.Outbound.MarkDeferredAsync(sending, lease.Token, DateTimeOffset.UtcNow.AddMinutes(5), "451 later")).Should().BeTrue();
        (await Backend.Outbound.CancelSubmissionAsync(sending, alice.Id)).Should().Be(OutboundCancelResult.Cancelled);
        (await Backend.Outbound.MarkDeliveredAsync(sending, lease.Token)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Outbound_entries_keep_the_null_sender_and_a_missing_user()
    {
        SkipIfUnavailable();
        var id = await Backend.Outbound.EnqueueAsync(NewOutbound(2) with { Reason = "autoreply" });

        var entry = (await Backend.Outbound.GetEntryAsync(id))!.Entry;

        entry.ReturnPath.Should().BeEmpty();
        entry.User.Should().BeNull();
        entry.Route.Should().BeNull();
        entry.Reason.Should().Be("autoreply");
    }

    [SkippableFact]
    public async Task Listing_outbound_entries_pages_by_id_and_filters_by_state_and_user()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice");
        var ids = new List<EntityId>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Backend.Outbound.EnqueueAsync(NewOutbound(i, i < 3 ? alice.Id : null)));
        }

        var first = await Backend.Outbound.ListEntriesAsync(new OutboundListRequest { Limit = 2 });
        var second = await Backend.Outbound.ListEntriesAsync(new OutboundListRequest { Limit = 2, After = first[^1].Id });
        var third = await Backend.Outbound.ListEntriesAsync(new OutboundListRequest { Limit = 2, After = second[^1].Id });
        first.Concat(second).Concat(third).Select(e => e.Id).Should().Equal(ids);

        (await Backend.Outbound.ListEntriesAsync(new OutboundListRequest { User = alice.Id })).Should().HaveCount(3);

        var claimed = await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(5) });
        (await Backend.Outbound.MarkFailedAsync(claimed[0].Entry.Id, claimed[0].Token, "550 no")).Should().BeTrue();
        var failed = await Backend.Outbound.ListEntriesAsync(new OutboundListRequest { State = OutboundState.Failed });
        failed.Select(e => e.Id).Should().Equal(claimed[0].Entry.Id);
        (await Backend.Outbound.ListEntriesAsync(new OutboundListRequest { State = OutboundState.Queued })).Should().HaveCount(4);
    }

    [SkippableFact]
    public async Task Enqueueing_without_recipients_or_content_is_Invalid()
    {
        SkipIfUnavailable();
        await ShouldFailWithAsync(() => Backend.Outbound.EnqueueAsync(NewOutbound(1) with { Recipients = Array.Empty<string>() }), StorageError.Invalid);
        await ShouldFailWithAsync(() => Backend.Outbound.EnqueueAsync(NewOutbound(1) with { Recipients = new[] { "a@example.org\r\nRCPT TO:<b@example.org>" } }), StorageError.Invalid);
        await ShouldFailWithAsync(() => Backend.Outbound.EnqueueAsync(NewOutbound(1) with { Content = ReadOnlyMemory<byte>.Empty }), StorageError.Invalid);
        (await Backend.Outbound.ListEntriesAsync(new OutboundListRequest())).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Enqueueing_more_than_the_message_size_limit_is_TooBig()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBackendWithAsync(o => o.Messages.MaxMessageSize = 64);

        // The limit plus 64 KiB of room for the trace fields a forward carries.
        await backend.Outbound.EnqueueAsync(NewOutbound(1) with { Content = new byte[64 + (64 * 1024)] });
        await ShouldFailWithAsync(() => backend.Outbound.EnqueueAsync(NewOutbound(2) with { Content = new byte[64 + (64 * 1024) + 1] }), StorageError.TooBig);
    }

    [SkippableFact]
    public async Task Concurrent_claimers_never_get_the_same_entry()
    {
        SkipIfUnavailable();
        const int count = 40;
        for (var i = 0; i < count; i++)
        {
            await Backend.Outbound.EnqueueAsync(NewOutbound(i));
        }

        var claimers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var mine = new List<EntityId>();
            while (true)
            {
                var batch = await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 3, LeaseTime = TimeSpan.FromMinutes(5) });
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch.Select(l => l.Entry.Id));
            }
        })).ToArray();
        var results = await Task.WhenAll(claimers);

        var all = results.SelectMany(r => r).ToList();
        all.Should().HaveCount(count).And.OnlyHaveUniqueItems();
        (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 10, LeaseTime = TimeSpan.FromMinutes(5) })).Should().BeEmpty("every entry is leased");
        var listed = await Backend.Outbound.ListEntriesAsync(new OutboundListRequest { Limit = 1000 });
        listed.Should().OnlyContain(e => e.LeasedUntil != null);
    }

    [SkippableFact]
    public async Task Claims_hand_out_content_earliest_due_first()
    {
        SkipIfUnavailable();
        var first = await Backend.Outbound.EnqueueAsync(NewOutbound(1));
        var second = await Backend.Outbound.EnqueueAsync(NewOutbound(2));

        var leases = await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 10, LeaseTime = TimeSpan.FromMinutes(1) });

        leases.Select(l => l.Entry.Id).Should().Equal(first, second);
        leases[0].Content.ToArray().Should().Equal(NewOutbound(1).Content.ToArray());
        leases[0].Expires.Should().BeCloseTo(DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromSeconds(10));
        leases[0].Entry.LeasedUntil.Should().NotBeNull();
    }

    [SkippableFact]
    public async Task An_expired_lease_makes_the_entry_claimable_and_voids_the_old_token()
    {
        SkipIfUnavailable();
        var id = await Backend.Outbound.EnqueueAsync(NewOutbound(1));
        var crashed = (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromSeconds(3) })).Single();
        (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Should().BeEmpty();

        // The suite runs on the real clock (see IStorageBackend); let the short lease run out. (3 s
        // leaves a slow machine time for the second claim above to happen inside the lease.)
        await Task.Delay(TimeSpan.FromMilliseconds(3200));
        var recovered = (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Single();

        recovered.Entry.Id.Should().Be(id);
        recovered.Token.Should().NotBe(crashed.Token);
        (await Backend.Outbound.MarkDeferredAsync(id, crashed.Token, DateTimeOffset.UtcNow.AddHours(1), "stale")).Should().BeFalse();
        (await Backend.Outbound.MarkDeliveredAsync(id, crashed.Token)).Should().BeFalse();
        (await Backend.Outbound.GetEntryAsync(id)).Should().NotBeNull();
        (await Backend.Outbound.MarkDeliveredAsync(id, recovered.Token)).Should().BeTrue();
        (await Backend.Outbound.GetEntryAsync(id)).Should().BeNull();
    }

    [SkippableFact]
    public async Task A_deferred_entry_counts_the_attempt_and_waits_for_its_next_attempt()
    {
        SkipIfUnavailable();
        var id = await Backend.Outbound.EnqueueAsync(NewOutbound(1));
        var lease = (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Single();
        var next = DateTimeOffset.UtcNow.AddMinutes(10);

        (await Backend.Outbound.MarkDeferredAsync(id, lease.Token, next, "451 4.7.1 try later")).Should().BeTrue();

        var entry = (await Backend.Outbound.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Deferred);
        entry.Attempts.Should().Be(1);
        entry.NextAttempt.Should().BeCloseTo(next, TimeSpan.FromSeconds(1));
        entry.LastError.Should().Be("451 4.7.1 try later");
        entry.LeasedUntil.Should().BeNull();
        (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Should().BeEmpty("it is not due yet");
        (await Backend.Outbound.MarkDeferredAsync(id, lease.Token, next, "again")).Should().BeFalse("the lease was released");

        (await Backend.Outbound.RequeueAsync(id)).Should().BeTrue();
        var again = (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Single();
        again.Entry.State.Should().Be(OutboundState.Queued);
        again.Entry.Attempts.Should().Be(0);
        again.Entry.LastError.Should().Be("451 4.7.1 try later", "the history stays visible");
        (await Backend.Outbound.MarkDeferredAsync(id, again.Token, DateTimeOffset.UtcNow.AddMilliseconds(-1), "452 full")).Should().BeTrue();
        (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Single().Entry.Attempts.Should().Be(1);
    }

    [SkippableFact]
    public async Task A_failed_entry_is_kept_for_operators_and_never_claimed_until_requeued()
    {
        SkipIfUnavailable();
        var id = await Backend.Outbound.EnqueueAsync(NewOutbound(1));
        var lease = (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Single();

        (await Backend.Outbound.MarkFailedAsync(id, lease.Token, "550 5.1.1 no such user")).Should().BeTrue();

        var entry = (await Backend.Outbound.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Failed);
        entry.Attempts.Should().Be(1);
        entry.LastError.Should().Be("550 5.1.1 no such user");
        (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Should().BeEmpty();

        (await Backend.Outbound.RequeueAsync(id)).Should().BeTrue();
        (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Should().ContainSingle();
        (await Backend.Outbound.RequeueAsync(EntityId.NewId())).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Requeueing_a_leased_entry_does_not_hand_it_to_a_second_sender()
    {
        SkipIfUnavailable();
        var id = await Backend.Outbound.EnqueueAsync(NewOutbound(1));
        var lease = (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Single();

        (await Backend.Outbound.RequeueAsync(id)).Should().BeTrue();

        (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Should().BeEmpty();
        (await Backend.Outbound.MarkDeliveredAsync(id, lease.Token)).Should().BeTrue();
    }

    [SkippableFact]
    public async Task Deleting_a_user_keeps_the_mail_it_already_queued()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var id = await Backend.Outbound.EnqueueAsync(NewOutbound(1, user.Id));

        (await Users.DeleteUserAsync(user.Id)).Should().BeTrue();

        var entry = (await Backend.Outbound.GetEntryAsync(id))!.Entry;
        entry.User.Should().Be(user.Id);
        (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 1, LeaseTime = TimeSpan.FromMinutes(1) })).Should().ContainSingle();
    }

    [SkippableFact]
    public async Task A_routed_only_claim_leaves_smarthost_mail_untouched()
    {
        SkipIfUnavailable();
        var smarthost = await Backend.Outbound.EnqueueAsync(NewOutbound(1));
        var routed = await Backend.Outbound.EnqueueAsync(NewOutbound(2, route: "https://hooks.example.org/mail"));

        var leases = await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { MaxEntries = 10, LeaseTime = TimeSpan.FromMinutes(1), RoutedOnly = true });

        leases.Select(l => l.Entry.Id).Should().Equal(routed);
        var waiting = (await Backend.Outbound.GetEntryAsync(smarthost))!.Entry;
        waiting.State.Should().Be(OutboundState.Queued);
        waiting.LeasedUntil.Should().BeNull();
    }

    [SkippableFact]
    public async Task Deleting_an_entry_being_sent_voids_the_sender_outcome()
    {
        SkipIfUnavailable();
        var id = await Backend.Outbound.EnqueueAsync(NewOutbound(1));
        var lease = (await Backend.Outbound.ClaimDueAsync(new OutboundClaimRequest { LeaseTime = TimeSpan.FromMinutes(1) })).Single();

        (await Backend.Outbound.DeleteEntryAsync(id)).Should().BeTrue();

        (await Backend.Outbound.MarkDeliveredAsync(id, lease.Token)).Should().BeFalse();
        (await Backend.Outbound.MarkFailedAsync(id, lease.Token, "550 no")).Should().BeFalse();
        (await Backend.Outbound.GetEntryAsync(id)).Should().BeNull();
    }
}
