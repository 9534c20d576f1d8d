// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Sqlite;
using WildDuck.Testing;
using Xunit;

namespace WildDuck.Imap.Tests.Robustness;

/// <summary>
/// Commands that fail because the store cannot serve get <c>NO [UNAVAILABLE]</c> (RFC 5530) and
/// leave the session usable; unexpected faults get <c>NO [SERVERBUG]</c>; a failure in the middle of
/// a FETCH literal closes the connection. The faults are real SQLite faults where possible.
/// </summary>
public sealed class StoreFaultTests
{
    private const string Message = "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: fault\r\n\r\nHello.\r\n";

    private static Task<ImapTestServer> StartAsync(Action<IServiceCollection>? services = null) =>
        ImapTestServer.StartAsync(sqlite: o => o.BusyTimeout = TimeSpan.FromMilliseconds(200), services: services);

    [Fact]
    public async Task Writes_while_another_connection_holds_the_lock_get_NO_UNAVAILABLE_and_the_session_goes_on()
    {
        await using var server = await StartAsync();
        var inbox = (await server.Mailboxes.FindMailboxAsync(server.Alice.Id, "INBOX"))!;
        await server.Messages.AppendAsync(server.Alice.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(Message) });
        await using var imap = await RawImapConnection.OpenAsync(server);
        (await imap.CommandAsync("S1", "SELECT INBOX"))[^1].Should().StartWith("S1 OK");

        using (SqliteFaults.HoldWriteLock(server.DatabasePath))
        {
            AssertUnavailable(await imap.CommandAsync("A1", "STORE 1 +FLAGS (\\Flagged)"), "A1");
            AssertUnavailable(await imap.CommandAsync("A2", "CREATE Projects"), "A2");

            // APPEND: the checks before the literal read; the store's transaction then fails whole.
            await imap.SendAsync($"A3 APPEND INBOX {{{Message.Length}}}\r\n");
            (await imap.ReadLineAsync()).Should().StartWith("+ ");
            await imap.SendAsync(Message + "\r\n");
            AssertUnavailable(await imap.ReadUntilTaggedAsync("A3"), "A3");
        }

        (await imap.CommandAsync("B1", "NOOP"))[^1].Should().StartWith("B1 OK");
        var status = await imap.CommandAsync("B2", "STATUS INBOX (MESSAGES)");
        status.Should().Contain("* STATUS INBOX (MESSAGES 1)", "the failed APPEND left nothing behind");
        (await imap.CommandAsync("B3", "STORE 1 +FLAGS (\\Flagged)"))[^1].Should().StartWith("B3 OK");
        (await imap.CommandAsync("B4", $"APPEND INBOX {{{Message.Length}+}}\r\n{Message}"))[^1].Should().StartWith("B4 OK [APPENDUID");
        (await imap.CommandAsync("B5", "CREATE Projects"))[^1].Should().StartWith("B5 OK");
        (await imap.CommandAsync("B6", "STATUS INBOX (MESSAGES UIDNEXT)")).Should().Contain("* STATUS INBOX (MESSAGES 2 UIDNEXT 3)");

        var report = await server.Services.GetRequiredService<IStoreMaintenance>().CheckAsync();
        report.Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Reads_of_a_file_that_is_no_longer_a_database_get_NO_UNAVAILABLE_and_the_session_recovers()
    {
        await using var server = await StartAsync();
        await using var imap = await RawImapConnection.OpenAsync(server);
        await using var anonymous = await RawImapConnection.OpenAsync(server, login: false);

        using (SqliteFaults.ReplaceWithGarbage(server.DatabasePath))
        {
            AssertUnavailable(await anonymous.CommandAsync("L1", $"LOGIN {ImapTestServer.User} {ImapTestServer.Password}"), "L1");
            AssertUnavailable(await imap.CommandAsync("A1", "SELECT INBOX"), "A1");
            AssertUnavailable(await imap.CommandAsync("A2", "STATUS INBOX (MESSAGES)"), "A2");

            // A synchronising literal is refused before the client sends it: the checks ahead of
            // the continuation read the store.
            await imap.SendAsync($"A3 APPEND INBOX {{{Message.Length}}}\r\n");
            AssertUnavailable([await imap.ReadLineAsync()], "A3");
        }

        (await anonymous.CommandAsync("L2", $"LOGIN {ImapTestServer.User} {ImapTestServer.Password}"))[^1].Should().StartWith("L2 OK");
        (await imap.CommandAsync("B1", "SELECT INBOX"))[^1].Should().StartWith("B1 OK");
        (await imap.CommandAsync("B2", $"APPEND INBOX {{{Message.Length}+}}\r\n{Message}"))[^1].Should().StartWith("B2 OK [APPENDUID");
        (await imap.CommandAsync("B3", "FETCH 1 (BODY.PEEK[])")).Should().Contain(l => l.Contains("Hello."));
    }

    [Fact]
    public async Task An_APPEND_that_fails_at_the_end_of_its_transaction_leaves_no_part_of_the_message()
    {
        await using var server = await StartAsync();
        await using var imap = await RawImapConnection.OpenAsync(server);
        var message = WithAttachment();

        // The journal entry is the transaction's last insert: the message row, its attachment, the
        // search text, the counters and the quota are all written by then.
        await ExecuteAsync(server.DatabasePath, "CREATE TRIGGER fail_append BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, 'injected fault'); END;");
        var lines = await imap.CommandAsync("A1", $"APPEND INBOX {{{message.Length}+}}\r\n{message}");
        lines[^1].Should().StartWith("A1 NO [SERVERBUG] ");
        lines.Should().NotContain(l => l.Contains("injected", StringComparison.Ordinal));
        await ExecuteAsync(server.DatabasePath, "DROP TRIGGER fail_append;");

        var inbox = (await server.Mailboxes.FindMailboxAsync(server.Alice.Id, "INBOX"))!;
        inbox.MessageCount.Should().Be(0);
        inbox.UidNext.Should().Be(1, "no UID was spent");
        (await server.Users.GetUserAsync(server.Alice.Id))!.StorageUsed.Should().Be(0);
        var attachments = await server.Services.GetRequiredService<IAttachmentStore>().GetStatisticsAsync();
        attachments.Attachments.Should().Be(0, "the attachment insert was rolled back with the rest");
        (await server.Services.GetRequiredService<IStoreMaintenance>().CheckAsync()).Problems.Should().BeEmpty();

        (await imap.CommandAsync("A2", $"APPEND INBOX {{{message.Length}+}}\r\n{message}"))[^1].Should().StartWith("A2 OK [APPENDUID");
        (await server.Services.GetRequiredService<IAttachmentStore>().GetStatisticsAsync()).Attachments.Should().Be(1);
    }

    [Fact]
    public async Task An_unexpected_fault_gets_NO_SERVERBUG_without_its_details()
    {
        var faults = new FaultSwitch();
        await using var server = await StartAsync(services => services.AddSingleton(sp =>
            Faulty<IMailboxStore>(sp.GetRequiredService<SqliteMailStore>(), faults)));
        await using var imap = await RawImapConnection.OpenAsync(server);

        faults.Throw = name => name == nameof(IMailboxStore.SetSubscribedAsync) ? new InvalidOperationException("secret internal detail") : null;
        var lines = await imap.CommandAsync("A1", "SUBSCRIBE INBOX");
        lines[^1].Should().StartWith("A1 NO [SERVERBUG] ");
        lines.Should().NotContain(l => l.Contains("secret", StringComparison.Ordinal));

        faults.Throw = name => name == nameof(IMailboxStore.ListMailboxesAsync) ? new StorageException(StorageError.Unavailable, "connection refused by db.internal:27017") : null;
        lines = await imap.CommandAsync("A2", "LIST \"\" *");
        AssertUnavailable(lines, "A2");
        lines.Should().NotContain(l => l.Contains("27017", StringComparison.Ordinal));

        faults.Throw = _ => null;
        (await imap.CommandAsync("A3", "SUBSCRIBE INBOX"))[^1].Should().StartWith("A3 OK");
    }

    [Fact]
    public async Task A_fault_in_the_middle_of_a_FETCH_literal_closes_the_connection_instead_of_answering_inside_it()
    {
        var faults = new FaultSwitch();
        await using var server = await StartAsync(services => services.AddSingleton(sp =>
            Faulty<IMessageStore>(sp.GetRequiredService<SqliteMailStore>(), faults)));
        var inbox = (await server.Mailboxes.FindMailboxAsync(server.Alice.Id, "INBOX"))!;
        await server.Messages.AppendAsync(server.Alice.Id, inbox.Id, new AppendRequest { Content = Encoding.ASCII.GetBytes(WithAttachment()) });
        await using var imap = await RawImapConnection.OpenAsync(server);
        (await imap.CommandAsync("S1", "SELECT INBOX"))[^1].Should().StartWith("S1 OK");

        faults.FailAttachments = true;
        await imap.SendAsync("F1 FETCH 1 (BODY.PEEK[])\r\n");
        var lines = new List<string>();
        while (await imap.TryReadLineAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            lines.Add(line);
        }

        lines.Should().Contain(l => l.StartsWith("* 1 FETCH (", StringComparison.Ordinal), "the response had started");
        lines.Should().NotContain(l => l.StartsWith("F1 ", StringComparison.Ordinal), "nothing can be answered inside the literal");
        await imap.Session.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static string WithAttachment()
    {
        var attachment = Convert.ToBase64String(Enumerable.Range(0, 6000).Select(i => (byte)(i * 7)).ToArray(), Base64FormattingOptions.InsertLineBreaks);
        return "From: bob@example.org\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
            "--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" +
            "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" + attachment + "\r\n--b--\r\n";
    }

    private static async Task ExecuteAsync(string databasePath, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + databasePath + ";Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static void AssertUnavailable(List<string> lines, string tag)
    {
        lines[^1].Should().StartWith(tag + " NO [UNAVAILABLE] ");
        lines.Should().NotContain(l => l.Contains("SQLite", StringComparison.OrdinalIgnoreCase) || l.Contains(" at ", StringComparison.Ordinal));
    }

    /// <summary>What <see cref="FaultyProxy{T}"/> throws, switched by the test.</summary>
    public sealed class FaultSwitch
    {
        public Func<string, Exception?> Throw { get; set; } = _ => null;

        public bool FailAttachments { get; set; }
    }

    private static T Faulty<T>(T inner, FaultSwitch faults)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, FaultyProxy<T>>();
        ((FaultyProxy<T>)(object)proxy).Attach(inner, faults);
        return proxy;
    }

    /// <summary>Forwards a contract to the real store, throwing where <see cref="FaultSwitch"/> says.</summary>
    public class FaultyProxy<T> : DispatchProxy
        where T : class
    {
        private T _inner = null!;
        private FaultSwitch _faults = null!;

        public void Attach(T inner, FaultSwitch faults)
        {
            _inner = inner;
            _faults = faults;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (_faults.Throw(targetMethod!.Name) is { } fault)
            {
                throw fault;
            }

            object? result;
            try
            {
                result = targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }

            return result is IAsyncEnumerable<MessageRecord> messages ? WithFailingAttachments(messages, _faults) : result;
        }

        private static async IAsyncEnumerable<MessageRecord> WithFailingAttachments(IAsyncEnumerable<MessageRecord> messages, FaultSwitch faults, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var message in messages.WithCancellation(cancellationToken))
            {
                yield return faults.FailAttachments && message.Content is { } content
                    ? message with { Content = new MessageContent(content.Layout, content.InlineContent.ToArray(), new FailingAttachments()) }
                    : message;
            }
        }
    }

    private sealed class FailingAttachments : IAttachmentContentSource
    {
        public ValueTask<int> ReadAsync(ContentHash hash, long offset, Memory<byte> destination, CancellationToken cancellationToken = default) =>
            throw new StorageException(StorageError.Unavailable, "The attachment store went away.");
    }
}
