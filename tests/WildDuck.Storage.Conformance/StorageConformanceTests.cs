// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

/// <summary>
/// The storage conformance suite. A backend test project derives from this class, implements
/// <see cref="CreateBackendAsync"/> and inherits every test. Each test gets a fresh, empty backend
/// created with <see cref="CreateDefaultOptions"/>; tests that need other limits create their own
/// backend through <see cref="CreateBackendWithAsync"/> and dispose it.
/// </summary>
/// <remarks>
/// The tests exercise the XML-documented contracts of the store interfaces, not one backend's
/// implementation choices. Where a contract leaves a choice open, the tests accept either.
/// </remarks>
public abstract partial class StorageConformanceTests : IAsyncLifetime
{
    /// <summary>How long the suite waits for an asynchronous notifier callback.</summary>
    protected static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(10);

    private IStorageBackend? _backend;

    /// <summary>When not null, every test is skipped with this reason (e.g. no MongoDB server).</summary>
    protected virtual string? SkipReason => null;

    /// <summary>The backend of the current test.</summary>
    protected IStorageBackend Backend => _backend ?? throw new InvalidOperationException("The backend was not created (the test should have been skipped).");

    /// <summary>Users of <see cref="Backend"/>.</summary>
    protected IUserStore Users => Backend.Users;

    /// <summary>Mailboxes of <see cref="Backend"/>.</summary>
    protected IMailboxStore Mailboxes => Backend.Mailboxes;

    /// <summary>Messages of <see cref="Backend"/>.</summary>
    protected IMessageStore Messages => Backend.Messages;

    /// <summary>Creates a new, empty backend with <paramref name="options"/>.</summary>
    protected abstract Task<IStorageBackend> CreateBackendAsync(WildDuckOptions options);

    /// <summary>The options of the per-test backend.</summary>
    protected virtual WildDuckOptions CreateDefaultOptions() => new()
    {
        Hostname = "mail.example.test",
        EmailDomain = "example.test",
        // The suite creates users without passwords; keep hashing cheap if a backend hashes anyway.
        Passwords = new PasswordOptions { Pbkdf2Iterations = 100_000 },
    };

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _backend = await CreateBackendAsync(CreateDefaultOptions());
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
            _backend = null;
        }
    }

    /// <summary>Skips the current test when the backend is unavailable. Call first in every test.</summary>
    protected void SkipIfUnavailable() => Skip.If(SkipReason is not null, SkipReason);

    /// <summary>Creates an additional backend with modified default options; the caller disposes it.</summary>
    protected Task<IStorageBackend> CreateBackendWithAsync(Action<WildDuckOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = CreateDefaultOptions();
        configure(options);
        return CreateBackendAsync(options);
    }

    /// <summary>
    /// Creates an additional backend whose COPY, MOVE, EXPUNGE, message, mailbox and user deletion
    /// run as consecutive transactions of at most <paramref name="messagesPerTransaction"/> messages,
    /// where the backend bounds its transactions (MongoDB's <c>MaxMessagesPerTransaction</c>); a
    /// backend that runs each of them as one transaction (SQLite) ignores it, and the same tests
    /// then check the one-transaction path. The caller disposes it.
    /// </summary>
    protected virtual Task<IStorageBackend> CreateBatchingBackendAsync(int messagesPerTransaction) => CreateBackendAsync(CreateDefaultOptions());

    /// <summary>Reads a stored message back in full through <see cref="MessageContent"/>.</summary>
    protected virtual Task<byte[]> ReadFullMessageAsync(MessageContent content) => ContentReader.ReadAllAsync(content);

    // ---------------------------------------------------------------- helpers

    /// <summary>Creates a user (address username@example.com unless given).</summary>
    protected Task<UserRecord> CreateUserAsync(string username, string? address = null, long quota = 0) =>
        CreateUserAsync(Backend, username, address, quota);

    /// <summary>Creates a user in <paramref name="backend"/>.</summary>
    protected static Task<UserRecord> CreateUserAsync(IStorageBackend backend, string username, string? address = null, long quota = 0)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return backend.Users.CreateUserAsync(new CreateUserRequest
        {
            Username = username,
            Address = address ?? $"{username}@example.com",
            Quota = quota,
            Name = "Test " + username,
        });
    }

    /// <summary>The user's INBOX.</summary>
    protected Task<MailboxRecord> InboxAsync(UserRecord user) => InboxAsync(Backend, user);

    /// <summary>The user's INBOX in <paramref name="backend"/>.</summary>
    protected static async Task<MailboxRecord> InboxAsync(IStorageBackend backend, UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(user);
        var inbox = await backend.Mailboxes.FindMailboxAsync(user.Id, "INBOX");
        inbox.Should().NotBeNull("every user has an INBOX");
        return inbox!;
    }

    /// <summary>Creates a user and returns it with its INBOX.</summary>
    protected async Task<(UserRecord User, MailboxRecord Inbox)> UserWithInboxAsync(string username = "alice")
    {
        var user = await CreateUserAsync(username);
        return (user, await InboxAsync(user));
    }

    /// <summary>Appends a message.</summary>
    protected Task<AppendResult> AppendAsync(UserRecord user, MailboxRecord mailbox, byte[] content, MessageFlags flags = MessageFlags.None, DateTimeOffset? internalDate = null, params string[] keywords) =>
        AppendAsync(Backend, user, mailbox, content, flags, internalDate, keywords);

    /// <summary>Appends a message to <paramref name="backend"/>.</summary>
    protected static Task<AppendResult> AppendAsync(IStorageBackend backend, UserRecord user, MailboxRecord mailbox, byte[] content, MessageFlags flags = MessageFlags.None, DateTimeOffset? internalDate = null, params string[] keywords)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(mailbox);
        return backend.Messages.AppendAsync(user.Id, mailbox.Id, new AppendRequest
        {
            Content = content,
            Flags = flags,
            Keywords = keywords,
            InternalDate = internalDate,
            Source = "API",
        });
    }

    /// <summary>Appends a simple message whose body names <paramref name="n"/>.</summary>
    protected Task<AppendResult> AppendSimpleAsync(UserRecord user, MailboxRecord mailbox, int n = 1, MessageFlags flags = MessageFlags.None) =>
        AppendAsync(user, mailbox, Simple(n), flags);

    /// <summary>A small plain message numbered <paramref name="n"/>.</summary>
    protected static byte[] Simple(int n) => new TestMessage
    {
        Subject = $"Message {n}",
        MessageId = $"<msg-{n}@example.com>",
        Body = $"This is message number {n}.\n",
    }.ToBytes();

    /// <summary>A multipart message whose attachment is <paramref name="size"/> bytes from <paramref name="seed"/>.</summary>
    protected static TestMessage WithAttachment(int n, int size = 4096, int seed = 42) => new()
    {
        Subject = $"Attachment {n}",
        MessageId = $"<att-{n}@example.com>",
        Body = $"See the attached file ({n}).\n",
        AttachmentSize = size,
        AttachmentSeed = seed,
    };

    /// <summary>Reloads a mailbox.</summary>
    protected async Task<MailboxRecord> ReloadAsync(MailboxRecord mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var fresh = await Mailboxes.GetMailboxAsync(mailbox.User, mailbox.Id);
        fresh.Should().NotBeNull("mailbox {0} should still exist", mailbox.Path);
        return fresh!;
    }

    /// <summary>Reloads a user.</summary>
    protected async Task<UserRecord> ReloadAsync(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var fresh = await Users.GetUserAsync(user.Id);
        fresh.Should().NotBeNull("user {0} should still exist", user.Username);
        return fresh!;
    }

    /// <summary>Every message of a mailbox, ascending by UID.</summary>
    protected Task<List<MessageRecord>> ListAsync(UserRecord user, MailboxRecord mailbox, MessageFields fields = MessageFields.Basic) =>
        ListAsync(Backend, user, mailbox, fields);

    /// <summary>Every message of a mailbox in <paramref name="backend"/>, ascending by UID.</summary>
    protected static async Task<List<MessageRecord>> ListAsync(IStorageBackend backend, UserRecord user, MailboxRecord mailbox, MessageFields fields = MessageFields.Basic)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(mailbox);
        var list = new List<MessageRecord>();
        await foreach (var message in backend.Messages.ListMessagesAsync(user.Id, mailbox.Id, UidSet.All, fields))
        {
            list.Add(message);
        }

        return list;
    }

    /// <summary>UIDs of a mailbox, ascending.</summary>
    protected async Task<uint[]> UidsAsync(UserRecord user, MailboxRecord mailbox) =>
        (await ListAsync(user, mailbox)).Select(m => m.Uid).ToArray();

    /// <summary>A message's metadata (must exist).</summary>
    protected async Task<MessageRecord> GetAsync(UserRecord user, MailboxRecord mailbox, uint uid, MessageFields fields = MessageFields.Basic)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(mailbox);
        var message = await Messages.GetMessageAsync(user.Id, mailbox.Id, uid, fields);
        message.Should().NotBeNull("UID {0} should exist in {1}", uid, mailbox.Path);
        return message!;
    }

    /// <summary>A message's full content (must exist).</summary>
    protected Task<byte[]> ReadMessageAsync(UserRecord user, MailboxRecord mailbox, uint uid) =>
        ReadMessageAsync(Backend, user, mailbox, uid);

    /// <summary>A message's full content in <paramref name="backend"/> (must exist).</summary>
    protected async Task<byte[]> ReadMessageAsync(IStorageBackend backend, UserRecord user, MailboxRecord mailbox, uint uid)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(mailbox);
        var content = await backend.Messages.OpenContentAsync(user.Id, mailbox.Id, uid);
        content.Should().NotBeNull("UID {0} should have content", uid);
        return await ReadFullMessageAsync(content!);
    }

    /// <summary>Applies a flag update.</summary>
    protected Task<FlagUpdateResult> StoreAsync(UserRecord user, MailboxRecord mailbox, UidSet uids, FlagOperation operation, MessageFlags flags, params string[] keywords)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(mailbox);
        return Messages.UpdateFlagsAsync(user.Id, mailbox.Id, uids, new FlagUpdate { Operation = operation, Flags = flags, Keywords = keywords });
    }

    /// <summary>A UID set.</summary>
    protected static UidSet Uids(params uint[] uids) => UidSet.FromUids(uids);

    /// <summary>Every journal entry of a user, in journal order.</summary>
    protected async Task<List<JournalEntry>> UserJournalAsync(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var all = new List<JournalEntry>();
        long after = 0;
        while (true)
        {
            var page = await Backend.Journal.ReadUserAsync(user.Id, after, 100);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
            after = page[^1].Id;
        }
    }

    /// <summary>Asserts that the store's consistency check finds no problem.</summary>
    protected static async Task ShouldBeConsistentAsync(IStorageBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var report = await backend.Maintenance.CheckAsync();
        report.Problems.Should().BeEmpty("the store should be consistent, but: {0}",
            string.Join("; ", report.Problems.Select(p => $"[{p.Kind}] {p.Description}")));
        report.IsConsistent.Should().BeTrue();
    }

    /// <summary>Equivalency options comparing timestamps to the second (stores may keep less precision).</summary>
    protected static FluentAssertions.Equivalency.EquivalencyAssertionOptions<T> SameInstant<T>(FluentAssertions.Equivalency.EquivalencyAssertionOptions<T> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options
            .Using<DateTimeOffset>(ctx => ctx.Subject.Should().BeCloseTo(ctx.Expectation, TimeSpan.FromSeconds(1)))
            .WhenTypeIs<DateTimeOffset>();
    }

    /// <summary>Asserts that <paramref name="action"/> fails with a <see cref="StorageException"/> of <paramref name="error"/>.</summary>
    protected static async Task ShouldFailWithAsync(Func<Task> action, StorageError error)
    {
        var failure = await action.Should().ThrowAsync<StorageException>();
        failure.Which.Error.Should().Be(error);
    }
}
