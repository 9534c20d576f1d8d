// SPDX-License-Identifier: MIT
using WildDuck.Storage.MongoDB.Internal;
using static WildDuck.Storage.MongoDB.Tests.Rendered;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Index names, keys and options against reference §1.2 (WildDuck's names where they mean the same thing).</summary>
public sealed class IndexDefinitionTests
{
    private static IEnumerable<(string Name, string Keys, bool Unique, bool Sparse, TimeSpan? Ttl)> Describe<T>(IEnumerable<CreateIndexModel<T>> models) =>
        models.Select(m => (
            m.Options.Name,
            Keys(m.Keys).ToJson(),
            m.Options.Unique ?? false,
            m.Options.Sparse ?? false,
            m.Options.ExpireAfter));

    [Fact]
    public void Users_addresses_and_domain_aliases()
    {
        Describe(MongoIndexes.Users).Should().Equal(
            ("users", "{ \"username\" : 1 }", false, false, null),
            ("users_dotless", "{ \"unameview\" : 1 }", true, false, null),
            ("show_new", "{ \"created\" : -1 }", false, false, null));
        Describe(MongoIndexes.Addresses).Should().Equal(
            ("address_dotless", "{ \"addrview\" : 1 }", true, false, null),
            ("address_paging", "{ \"addrview\" : 1, \"_id\" : 1 }", false, false, null),
            ("user", "{ \"user\" : 1 }", false, false, null));
        Describe(MongoIndexes.DomainAliases).Should().Equal(
            ("domainalias", "{ \"alias\" : 1 }", true, false, null),
            ("domainlist", "{ \"domain\" : 1 }", false, false, null));
    }

    [Fact]
    public void Mailboxes_are_unique_by_user_and_path()
    {
        Describe(MongoIndexes.Mailboxes).Should().Equal(
            ("user_path", "{ \"user\" : 1, \"path\" : 1 }", true, false, null),
            ("user_subscribed", "{ \"user\" : 1, \"subscribed\" : 1 }", false, false, null),
            ("find_by_type", "{ \"user\" : 1, \"specialUse\" : 1 }", false, false, null));
    }

    [Fact]
    public void The_journal_pages_by_user_sequence_and_expires_after_the_configured_time()
    {
        Describe(MongoIndexes.Journal(TimeSpan.FromHours(3))).Should().Equal(
            ("mailbox_modseq", "{ \"mailbox\" : 1, \"modseq\" : 1 }", false, false, null),
            ("user_seq", "{ \"user\" : 1, \"seq\" : 1 }", true, false, null),
            ("journal_autoexpire", "{ \"created\" : 1 }", false, false, TimeSpan.FromSeconds(10_800)));
        Describe(MongoIndexes.Journal(TimeSpan.Zero)).Select(i => i.Name).Should().NotContain("journal_autoexpire", "zero leaves pruning to IJournal.PruneAsync");
        MongoIndexes.JournalTtlChange(TimeSpan.FromHours(1)).ShouldBe(Json("{ collMod: 'journal', index: { name: 'journal_autoexpire', expireAfterSeconds: NumberLong(3600) } }"));
    }

    [Fact]
    public void Filters_autoreplies_senders_and_the_outbound_queue()
    {
        Describe(MongoIndexes.Filters).Should().Equal(
            ("user", "{ \"user\" : 1 }", false, false, null),
            ("forward_target", "{ \"action.targets.value\" : 1 }", false, false, null));
        Describe(MongoIndexes.Autoreplies).Should().Equal(
            ("autoreply", "{ \"user\" : 1, \"start\" : 1, \"end\" : 1 }", false, false, null),
            ("autoreply_user", "{ \"user\" : 1 }", true, false, null));
        Describe(MongoIndexes.AutoreplySenders).Should().Equal(
            ("user_sender", "{ \"user\" : 1, \"sender\" : 1 }", true, false, null),
            ("entry_autoexpire", "{ \"expires\" : 1 }", false, false, TimeSpan.Zero));
        Describe(MongoIndexes.Outbound).Should().Equal(
            ("due", "{ \"state\" : 1, \"queued\" : 1, \"_id\" : 1 }", false, false, null),
            ("user_entries", "{ \"user\" : 1, \"_id\" : 1 }", false, true, null),
            ("state_entries", "{ \"state\" : 1, \"_id\" : 1 }", false, false, null));
    }

    [Fact]
    public void Messages_threads_and_the_attachment_bucket_follow_the_reference()
    {
        Describe(MongoIndexes.Messages).Select(i => (i.Name, i.Keys)).Should().Contain(new[]
        {
            ("mailbox_uid_shard", "{ \"_id\" : 1, \"mailbox\" : 1, \"uid\" : 1 }"),
            ("mailbox_uid", "{ \"mailbox\" : 1, \"uid\" : 1, \"_id\" : 1 }"),
            ("mailbox_modseq_uid", "{ \"mailbox\" : 1, \"modseq\" : 1, \"uid\" : 1 }"),
            ("mailbox_unseen_flag", "{ \"mailbox\" : 1, \"unseen\" : 1 }"),
        });
        Describe(MongoIndexes.Threads).Should().Equal(
            ("thread_shard", "{ \"user\" : \"hashed\" }", false, false, null),
            ("thread", "{ \"user\" : 1, \"ids\" : 1 }", false, false, null),
            ("thread_autoexpire", "{ \"updated\" : 1 }", false, false, TimeSpan.FromSeconds(15_552_000)));
        Describe(MongoIndexes.AttachmentFiles).Should().Equal(
            ("attachment_id_hashed", "{ \"_id\" : \"hashed\" }", false, false, null),
            ("related_attachments_cu", "{ \"metadata.c\" : 1, \"metadata.m\" : 1, \"metadata.cu\" : 1 }", false, false, null));
        Describe(MongoIndexes.AttachmentChunks).Should().Equal(
            ("chunks_shard", "{ \"files_id\" : \"hashed\" }", false, false, null),
            ("files_id_1_n_1", "{ \"files_id\" : 1, \"n\" : 1 }", true, false, null));
    }

    [Fact]
    public void Index_names_are_unique_per_collection()
    {
        foreach (var names in new[]
        {
            MongoIndexes.Users.Select(i => i.Options.Name), MongoIndexes.Addresses.Select(i => i.Options.Name), MongoIndexes.Mailboxes.Select(i => i.Options.Name),
            MongoIndexes.Messages.Select(i => i.Options.Name), MongoIndexes.Outbound.Select(i => i.Options.Name), MongoIndexes.Journal(TimeSpan.FromHours(3)).Select(i => i.Options.Name),
        })
        {
            names.Should().OnlyHaveUniqueItems();
        }
    }
}
