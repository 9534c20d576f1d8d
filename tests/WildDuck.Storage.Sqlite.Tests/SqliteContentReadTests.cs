// SPDX-License-Identifier: MIT
using System.IO;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using WildDuck.Storage.Mime;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>
/// The content read path (kept read connections, prepared statements, blob reads in place): it
/// returns the stored bytes, leaves no read transaction behind, and recovers from store damage.
/// </summary>
public sealed class SqliteContentReadTests
{
    [Fact]
    public async Task Content_reads_leave_no_read_transaction_open()
    {
        using var dir = new TempDirectory();
        var path = dir.File("wildduck.db");
        var (store, user, inbox) = await CreateAsync(path);
        using var _s = store;
        var raw = Encoding.UTF8.GetBytes(TestMessages.WithAttachment("report", 20_000, 3));
        var appended = await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = raw });
        await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.UTF8.GetBytes(TestMessages.Plain("hi")) });

        using (var content = (await store.OpenContentAsync(user.Id, inbox.Id, appended.Uid))!)
        {
            content.Layout.Segments.Should().Contain(s => s.IsExternal, "the attachment is read through blob I/O");
            (await ReadAllAsync(content)).Should().Equal(MessageNormalizer.Normalize(raw, long.MaxValue).ToArray());
        }

        var listed = 0;
        await foreach (var record in store.ListMessagesAsync(user.Id, inbox.Id, UidSet.All, MessageFields.Content))
        {
            using var content = record.Content!;
            (await ReadAllAsync(content)).Length.Should().Be((int)record.Size);
            listed++;
        }

        listed.Should().Be(2);

        // A reader inside a transaction would keep TRUNCATE from resetting the WAL (busy = 1).
        using var other = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        other.Open();
        using var checkpoint = other.CreateCommand();
        checkpoint.CommandText = "PRAGMA busy_timeout=0; PRAGMA wal_checkpoint(TRUNCATE);";
        using var result = checkpoint.ExecuteReader();
        result.Read().Should().BeTrue();
        result.GetInt64(0).Should().Be(0, "no kept read connection holds a snapshot");
    }

    [Fact]
    public async Task A_missing_attachment_fails_the_read_and_later_reads_still_work()
    {
        using var dir = new TempDirectory();
        var path = dir.File("wildduck.db");
        var (store, user, inbox) = await CreateAsync(path);
        using var _s = store;
        var damaged = await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.UTF8.GetBytes(TestMessages.WithAttachment("one", 20_000, 1)) });
        var raw = Encoding.UTF8.GetBytes(TestMessages.WithAttachment("two", 20_000, 2));
        var intact = await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = raw });
        using var content = (await store.OpenContentAsync(user.Id, inbox.Id, damaged.Uid))!;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "PRAGMA foreign_keys=OFF; DELETE FROM attachments WHERE hash = $h";
            delete.Parameters.AddWithValue("$h", content.Layout.Segments[FirstExternal(content.Layout)].Hash.ToByteArray());
            delete.ExecuteNonQuery().Should().Be(1);
        }

        var read = () => ReadAllAsync(content);
        (await read.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.NotFound);

        // The same kept connection serves the next reads.
        for (var i = 0; i < 3; i++)
        {
            using var next = (await store.OpenContentAsync(user.Id, inbox.Id, intact.Uid))!;
            (await ReadAllAsync(next)).Should().Equal(MessageNormalizer.Normalize(raw, long.MaxValue).ToArray());
        }
    }

    [Fact]
    public async Task A_layout_tree_left_encoded_in_a_disposed_content_is_not_read_from_reused_memory()
    {
        using var dir = new TempDirectory();
        var (store, user, inbox) = await CreateAsync(dir.File("wildduck.db"));
        using var _s = store;
        var uid = (await store.AppendAsync(user.Id, inbox.Id, new AppendRequest { Content = Encoding.UTF8.GetBytes(TestMessages.WithAttachment("tree", 20_000, 4)) })).Uid;

        var untouched = (await store.OpenContentAsync(user.Id, inbox.Id, uid))!;
        untouched.Dispose();
        var act = () => untouched.Layout.Root;
        act.Should().Throw<System.ObjectDisposedException>("its encoded tree was in the buffer that went back to the pool");

        var decoded = (await store.OpenContentAsync(user.Id, inbox.Id, uid))!;
        decoded.Layout.Root.Children.Should().HaveCount(2);
        decoded.Dispose();
        decoded.Layout.Root.Children.Should().HaveCount(2, "a decoded tree no longer needs the buffer");

        await foreach (var record in store.ListMessagesAsync(user.Id, inbox.Id, UidSet.All, MessageFields.Content))
        {
            var content = record.Content!;
            (await content.ResolveSectionAsync(new SectionSpec { Part = [2], Binary = true })).TotalLength.Should().Be(20_000);
            content.Dispose();
        }
    }

    private static async Task<(SqliteMailStore Store, UserRecord User, MailboxRecord Inbox)> CreateAsync(string path)
    {
        var store = SqliteTestStore.Create(path);
        var user = await store.CreateUserAsync(new CreateUserRequest { Username = "alice", Password = "secret-password" });
        return (store, user, (await store.FindMailboxAsync(user.Id, "INBOX"))!);
    }

    private static int FirstExternal(MessageLayout layout)
    {
        for (var i = 0; i < layout.Segments.Count; i++)
        {
            if (layout.Segments[i].IsExternal)
            {
                return i;
            }
        }

        throw new Xunit.Sdk.XunitException("The test message has no external segment.");
    }

    private static async Task<byte[]> ReadAllAsync(MessageContent content)
    {
        using var stream = new MemoryStream();
        await content.WriteToAsync(stream, 0, content.Size);
        return stream.ToArray();
    }
}
