// SPDX-License-Identifier: MIT
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>The message, thread and GridFS indexes against reference §1.2.</summary>
public sealed class MessageIndexTests
{
    private static Dictionary<string, string> Rendered<T>(IEnumerable<CreateIndexModel<T>> models) =>
        models.ToDictionary(m => m.Options.Name, m => m.Keys.Render().Canonical());

    private static string Keys(string json) => Rendering.Json(json).Canonical();

    [Fact]
    public void Message_indexes_are_WildDucks_where_the_store_queries_the_same_fields()
    {
        Rendered(MongoIndexes.Messages).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["mailbox_uid_shard"] = Keys("{ _id: 1, mailbox: 1, uid: 1 }"),
            ["user_messages_by_thread"] = Keys("{ user: 1, thread: 1 }"),
            ["mailbox_uid"] = Keys("{ mailbox: 1, uid: 1, _id: 1 }"),
            ["mailbox_uid_reverse"] = Keys("{ mailbox: 1, uid: -1, _id: -1 }"),
            ["mailbox_modseq_uid"] = Keys("{ mailbox: 1, modseq: 1, uid: 1 }"),
            ["mailbox_flags"] = Keys("{ mailbox: 1, flags: 1 }"),
            ["by_idate"] = Keys("{ mailbox: 1, idate: 1 }"),
            ["by_idate_reverse_uid"] = Keys("{ mailbox: 1, idate: -1, _id: -1 }"),
            ["by_hdate"] = Keys("{ mailbox: 1, hdate: 1, msgid: 1 }"),
            ["by_size"] = Keys("{ mailbox: 1, size: 1 }"),
            ["mailbox_unseen_flag"] = Keys("{ mailbox: 1, unseen: 1 }"),
            ["mailbox_undeleted_flag"] = Keys("{ mailbox: 1, undeleted: 1 }"),
            ["mailbox_flagged_flag"] = Keys("{ mailbox: 1, flagged: 1 }"),
            ["mailbox_draft_flag"] = Keys("{ mailbox: 1, draft: 1 }"),
            ["has_attachment"] = Keys("{ mailbox: 1, ha: 1 }"),
        });
        MongoIndexes.Messages.Should().OnlyContain(m => m.Options.Unique != true, "uniqueness of (mailbox, uid) comes from the atomic UID allocation, as in WildDuck");
    }

    [Fact]
    public void No_text_index_exists_because_search_is_substring_matching()
    {
        MongoIndexes.Messages.Select(m => m.Keys.Render().ToJson()).Should().NotContain(k => k.Contains("text", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_message_query_has_an_index_with_the_mailbox_first()
    {
        var prefixes = MongoIndexes.Messages.Select(m => m.Keys.Render().Names.First()).ToList();
        prefixes.Should().Contain("mailbox");
        MongoIndexes.Messages.Single(m => m.Options.Name == "mailbox_uid").Keys.Render().Names.Take(2).Should().Equal("mailbox", "uid");
    }

    [Fact]
    public void Thread_indexes_are_the_shard_helper_the_lookup_and_the_180_day_expiry()
    {
        Rendered(MongoIndexes.Threads).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["thread_shard"] = Keys("{ user: 'hashed' }"),
            ["thread"] = Keys("{ user: 1, ids: 1 }"),
            ["thread_autoexpire"] = Keys("{ updated: 1 }"),
        });
        MongoIndexes.Threads.Single(m => m.Options.Name == "thread_autoexpire").Options.ExpireAfter.Should().Be(TimeSpan.FromSeconds(15_552_000));
    }

    [Fact]
    public void GridFS_indexes_are_WildDucks()
    {
        Rendered(MongoIndexes.AttachmentFiles).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["attachment_id_hashed"] = Keys("{ _id: 'hashed' }"),
            ["related_attachments_cu"] = Keys("{ 'metadata.c': 1, 'metadata.m': 1, 'metadata.cu': 1 }"),
        });
        Rendered(MongoIndexes.AttachmentChunks).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["chunks_shard"] = Keys("{ files_id: 'hashed' }"),
            ["files_id_1_n_1"] = Keys("{ files_id: 1, n: 1 }"),
        });
        MongoIndexes.AttachmentChunks.Single(m => m.Options.Name == "files_id_1_n_1").Options.Unique.Should().BeTrue("a racing upload of the same hash must fail on its first chunk");
    }

    [Fact]
    public void The_collection_filter_of_garbage_collection_is_served_by_related_attachments_cu()
    {
        var filter = GridFsAttachments.CollectableFilter(DateTime.UnixEpoch).Render();
        var index = MongoIndexes.AttachmentFiles.Single(m => m.Options.Name == "related_attachments_cu").Keys.Render();

        index.Names.Take(2).Should().Equal(filter.Names.Take(2));
    }
}
