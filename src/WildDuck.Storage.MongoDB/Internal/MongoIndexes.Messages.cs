// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Bson;
using MongoDB.Driver;
using WildDuck.Storage.MongoDB.Documents;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>Indexes of messages, threads and the GridFS attachment bucket (reference §1.2).</summary>
internal static partial class MongoIndexes
{
    /// <summary>
    /// WildDuck's message indexes (reference §1.2) for the fields this store queries. Left out on
    /// purpose: <c>fulltext</c> (SEARCH is substring matching with regexes, not <c>$text</c>),
    /// <c>by_headers</c> (no <c>headers[]</c>; HEADER searches <c>search.fields</c> of one
    /// mailbox's messages), the per-user flag and <c>searchable</c> indexes (no query spans a
    /// user's mailboxes) and <c>retention_time</c> (no <c>exp</c>/<c>rdate</c>).
    /// </summary>
    public static IReadOnlyList<CreateIndexModel<MessageDocument>> Messages { get; } =
    [
        Index(Builders<MessageDocument>.IndexKeys.Ascending("_id").Ascending("mailbox").Ascending("uid"), "mailbox_uid_shard"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("user").Ascending("thread"), "user_messages_by_thread"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("uid").Ascending("_id"), "mailbox_uid"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Descending("uid").Descending("_id"), "mailbox_uid_reverse"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("modseq").Ascending("uid"), "mailbox_modseq_uid"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("flags"), "mailbox_flags"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("idate"), "by_idate"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Descending("idate").Descending("_id"), "by_idate_reverse_uid"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("hdate").Ascending("msgid"), "by_hdate"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("size"), "by_size"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("unseen"), "mailbox_unseen_flag"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("undeleted"), "mailbox_undeleted_flag"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("flagged"), "mailbox_flagged_flag"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("draft"), "mailbox_draft_flag"),
        Index(Builders<MessageDocument>.IndexKeys.Ascending("mailbox").Ascending("ha"), "has_attachment"),
    ];

    /// <summary>WildDuck's thread indexes: the shard helper, the lookup and the 180-day expiry.</summary>
    public static IReadOnlyList<CreateIndexModel<ThreadDocument>> Threads { get; } =
    [
        Index(Builders<ThreadDocument>.IndexKeys.Hashed("user"), "thread_shard"),
        Index(Builders<ThreadDocument>.IndexKeys.Ascending("user").Ascending("ids"), "thread"),
        new CreateIndexModel<ThreadDocument>(
            Builders<ThreadDocument>.IndexKeys.Ascending("updated"),
            new CreateIndexOptions { Name = "thread_autoexpire", ExpireAfter = TimeSpan.FromSeconds(15_552_000) }),
    ];

    /// <summary>WildDuck's indexes on <c>attachments.files</c>.</summary>
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> AttachmentFiles { get; } =
    [
        Index(Builders<BsonDocument>.IndexKeys.Hashed("_id"), "attachment_id_hashed"),
        Index(Builders<BsonDocument>.IndexKeys.Ascending("metadata.c").Ascending("metadata.m").Ascending("metadata.cu"), "related_attachments_cu"),
    ];

    /// <summary>WildDuck's indexes on <c>attachments.chunks</c> (the driver also creates <c>files_id_1_n_1</c>).</summary>
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> AttachmentChunks { get; } =
    [
        Index(Builders<BsonDocument>.IndexKeys.Hashed("files_id"), "chunks_shard"),
        Index(Builders<BsonDocument>.IndexKeys.Ascending("files_id").Ascending("n"), "files_id_1_n_1", unique: true),
    ];

    private static async Task CreateMessageIndexesAsync(MongoContext context, CancellationToken cancellationToken)
    {
        await CreateAsync(context.Messages, Messages, cancellationToken).ConfigureAwait(false);
        await CreateAsync(context.Threads, Threads, cancellationToken).ConfigureAwait(false);
        var gridFs = new GridFsAttachments(context.AttachmentsDatabase, context.Options.AttachmentBucket);
        await CreateAsync(gridFs.Files, AttachmentFiles, cancellationToken).ConfigureAwait(false);
        await CreateAsync(gridFs.Chunks, AttachmentChunks, cancellationToken).ConfigureAwait(false);
    }
}
