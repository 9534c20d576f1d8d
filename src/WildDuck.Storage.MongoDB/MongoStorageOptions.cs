// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Storage.MongoDB;

/// <summary>When the MongoDB backend uses multi-document transactions.</summary>
public enum MongoTransactionMode
{
    /// <summary>
    /// Use transactions when the deployment supports them (a replica set or a sharded cluster), as
    /// found at start-up; a standalone server runs without.
    /// </summary>
    Auto,

    /// <summary>Always use transactions; start-up fails on a deployment without them.</summary>
    Always,

    /// <summary>
    /// Never use transactions: every change is a sequence of single-document atomic operations in
    /// a fixed order with compensation on failure (docs/storage.md, "MongoDB without transactions").
    /// </summary>
    Never,
}

/// <summary>
/// Options of the MongoDB backend (configuration section <c>WildDuck:Storage:MongoDB</c> in the
/// sample host). The layout follows WildDuck's <c>dbs</c> settings (reference §1.1).
/// </summary>
public sealed class MongoStorageOptions
{
    /// <summary>
    /// The main connection string (WildDuck <c>dbs.mongo</c>), e.g.
    /// <c>mongodb://127.0.0.1:27017/?replicaSet=rs0</c>. Required.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// The main database: mailboxes, messages, threads, journal, filters, autoreplies, the outbound
    /// queue and counters. Default <c>wildduck</c>.
    /// </summary>
    public string Database { get; set; } = "wildduck";

    /// <summary>
    /// Where users, addresses and domain aliases live (WildDuck <c>dbs.users</c>): null or empty for
    /// <see cref="Database"/>; a bare name for a database on the main connection; a
    /// <c>mongodb://</c> or <c>mongodb+srv://</c> URL for a separate connection (its path names the
    /// database, else <see cref="Database"/> is used).
    /// </summary>
    public string? UsersDatabase { get; set; }

    /// <summary>
    /// Where the attachment bucket lives (WildDuck <c>dbs.gridfs</c>), with the same forms as
    /// <see cref="UsersDatabase"/>.
    /// </summary>
    public string? AttachmentsDatabase { get; set; }

    /// <summary>The GridFS bucket of attachments (WildDuck <c>attachments.bucket</c>). Default <c>attachments</c>.</summary>
    public string AttachmentBucket { get; set; } = "attachments";

    /// <summary>Server-side time limit (<c>maxTimeMS</c>) of user, address and mailbox queries. Default 3 s, as WildDuck.</summary>
    public TimeSpan UsersQueryTimeLimit { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Server-side time limit (<c>maxTimeMS</c>) of message queries (listing, search). Default 120 s, as WildDuck.</summary>
    public TimeSpan MessagesQueryTimeLimit { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long the driver waits for a suitable server before an operation fails (and how long
    /// start-up waits before it reports the server unreachable). Default 10 s.
    /// </summary>
    public TimeSpan ServerSelectionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>When to use multi-document transactions. Default <see cref="MongoTransactionMode.Auto"/>.</summary>
    public MongoTransactionMode UseTransactions { get; set; } = MongoTransactionMode.Auto;

    /// <summary>
    /// The TTL of journal entries (index <c>journal_autoexpire</c> on <c>created</c>). Default 3 h,
    /// as WildDuck; <see cref="TimeSpan.Zero"/> drops nothing automatically and leaves pruning to
    /// <see cref="IJournal.PruneAsync"/>. Whichever comes first removes an entry.
    /// </summary>
    public TimeSpan JournalExpiry { get; set; } = TimeSpan.FromHours(3);

    /// <summary>
    /// Watch the journal with a change stream (replica sets and sharded clusters) and wake this
    /// instance's sessions for changes made by other instances. Default true. With Redis
    /// (<c>UseRedis</c>) wake-ups also cross instances without it; this is the fallback while
    /// Redis is down, as the SQLite journal watcher is for SQLite.
    /// </summary>
    public bool WatchJournal { get; set; } = true;

    /// <summary>
    /// The most messages one transaction (or, without transactions, one compensation unit) of a
    /// COPY, MOVE, EXPUNGE, message deletion, mailbox deletion or user deletion touches; larger
    /// operations run as consecutive batches, each complete and consistent on its own (its
    /// messages, journal entries, mailbox counters, quota and attachment references; for COPY and
    /// MOVE a block of target UIDs and a MODSEQ of its own). Default 1000: one batch writes about
    /// 1000 message documents, 1000–2000 journal entries and a few counters, which stays far below
    /// MongoDB's transaction lifetime limit (<c>transactionLifetimeLimitSeconds</c>, 60 s) and keeps
    /// the WiredTiger cache pressure of one transaction to a few megabytes even on a busy replica
    /// set, while a 100,000-message mailbox still needs only 100 transactions. Operations of at most
    /// this many messages run in one transaction, as before. What a failing later batch leaves
    /// behind is described in docs/storage.md ("Large operations in batches").
    /// </summary>
    public int MaxMessagesPerTransaction { get; set; } = 1000;

    /// <summary>Create the indexes at start-up (idempotent). Default true.</summary>
    public bool CreateIndexes { get; set; } = true;
}
