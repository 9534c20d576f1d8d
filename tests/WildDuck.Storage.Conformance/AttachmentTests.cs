// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    [SkippableFact]
    public async Task Two_messages_with_the_same_attachment_store_it_once()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var one = WithAttachment(1, size: 6000, seed: 9);
        var two = WithAttachment(2, size: 6000, seed: 9) with { From = "Someone Else <else@example.org>", Body = "Different text.\n" };
        var encoded = one.EncodedAttachmentBytes();

        await AppendAsync(user, inbox, one.ToBytes());
        await AppendAsync(user, inbox, two.ToBytes());

        var stats = await Backend.Attachments.GetStatisticsAsync();
        stats.Attachments.Should().Be(1);
        stats.StoredBytes.Should().Be(encoded.Length, "the store keeps the encoded leaf body exactly once");
        stats.ReferencedBytes.Should().Be(2L * encoded.Length);
        stats.StoredBytes.Should().BeLessThan(stats.ReferencedBytes);
        stats.Unreferenced.Should().Be(0);
        (await ReadMessageAsync(user, inbox, 1)).Should().Equal(one.ToBytes());
        (await ReadMessageAsync(user, inbox, 2)).Should().Equal(two.ToBytes());
    }

    [SkippableFact]
    public async Task An_attachment_can_be_read_by_the_hash_of_its_encoded_bytes()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var message = WithAttachment(1, size: 5000, seed: 5);
        var encoded = message.EncodedAttachmentBytes();
        await AppendAsync(user, inbox, message.ToBytes());
        var hash = ContentHash.Compute(encoded);

        var buffer = new byte[encoded.Length + 100];
        var total = 0;
        while (true)
        {
            var read = await Backend.Attachments.ReadAsync(hash, total, buffer.AsMemory(total, Math.Min(1000, buffer.Length - total)));
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        total.Should().Be(encoded.Length);
        buffer.AsSpan(0, total).ToArray().Should().Equal(encoded);
        var tail = new byte[10];
        (await Backend.Attachments.ReadAsync(hash, encoded.Length - 4, tail)).Should().Be(4);
        tail.AsSpan(0, 4).ToArray().Should().Equal(encoded[^4..]);
    }

    [SkippableFact]
    public async Task Garbage_collection_removes_attachments_only_after_every_reference_is_gone()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        var raw1 = WithAttachment(1).ToBytes();
        var raw2 = WithAttachment(2).ToBytes();
        await AppendAsync(user, inbox, raw1);
        await AppendAsync(user, inbox, raw2);

        await Messages.DeleteMessagesAsync(user.Id, inbox.Id, Uids(1));
        (await Backend.Attachments.CollectGarbageAsync(TimeSpan.Zero)).Should().Be(0, "message 2 still references the attachment");
        (await ReadMessageAsync(user, inbox, 2)).Should().Equal(raw2);

        await Messages.DeleteMessagesAsync(user.Id, inbox.Id, Uids(2));
        var pending = await Backend.Attachments.GetStatisticsAsync();
        pending.ReferencedBytes.Should().Be(0);
        pending.Unreferenced.Should().Be(1);

        (await Backend.Attachments.CollectGarbageAsync(TimeSpan.Zero)).Should().Be(1);
        (await Backend.Attachments.GetStatisticsAsync()).Should().Be(new AttachmentStatistics(0, 0, 0, 0));
        await ShouldBeConsistentAsync(Backend);
    }

    [SkippableFact]
    public async Task Garbage_collection_with_a_grace_period_keeps_recently_released_attachments()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendAsync(user, inbox, WithAttachment(1).ToBytes());
        await Messages.DeleteMessagesAsync(user.Id, inbox.Id, Uids(1));

        (await Backend.Attachments.CollectGarbageAsync(TimeSpan.FromHours(1))).Should().Be(0);

        var stats = await Backend.Attachments.GetStatisticsAsync();
        stats.Attachments.Should().Be(1);
        stats.Unreferenced.Should().Be(1);
    }

    [SkippableFact]
    public async Task An_unreferenced_attachment_referenced_again_before_collection_survives()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();
        await AppendAsync(user, inbox, WithAttachment(1).ToBytes());
        await Messages.DeleteMessagesAsync(user.Id, inbox.Id, Uids(1));
        var again = WithAttachment(2).ToBytes();

        await AppendAsync(user, inbox, again);
        (await Backend.Attachments.CollectGarbageAsync(TimeSpan.Zero)).Should().Be(0);

        var stats = await Backend.Attachments.GetStatisticsAsync();
        stats.Attachments.Should().Be(1);
        stats.Unreferenced.Should().Be(0);
        (await ReadMessageAsync(user, inbox, 2)).Should().Equal(again);
    }

    [SkippableFact]
    public async Task Small_and_text_parts_stay_inline()
    {
        SkipIfUnavailable();
        var (user, inbox) = await UserWithInboxAsync();

        await AppendAsync(user, inbox, new TestMessage { Body = string.Concat(Enumerable.Repeat("plain text line\n", 500)) }.ToBytes());
        await AppendAsync(user, inbox, WithAttachment(2, size: 300).ToBytes());

        (await Backend.Attachments.GetStatisticsAsync()).Attachments.Should().Be(0,
            "text below ExternalizeTextThreshold and non-text leaves below ExternalizeMinimumSize stay inline");
    }
}
