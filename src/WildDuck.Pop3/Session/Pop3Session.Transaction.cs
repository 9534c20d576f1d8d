// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading.Tasks;
using WildDuck.Pop3.Protocol;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Pop3.Session;

/// <content>The TRANSACTION state (RFC 1939 §5, §7) and the UPDATE state at QUIT (§6).</content>
internal sealed partial class Pop3Session
{
    /// <summary>TOP streams the message in windows of this size and stops once its line budget is spent.</summary>
    private const int TopWindow = 64 * 1024;

    /// <summary>RETR reads ahead at most this many messages in one storage pass…</summary>
    private const int PrefetchCount = 64;

    /// <summary>…and at most this many octets (by stored size), beyond the first message.</summary>
    private const long PrefetchBytes = 4 * 1024 * 1024;

    /// <summary>Contents read ahead for RETR, by message number; disposed when used, skipped or at the end.</summary>
    private readonly Dictionary<int, MessageContent> _prefetched = new();

    private Maildrop Drop => _maildrop!;

    private void Stat()
    {
        _output.Write("+OK "u8);
        Pop3ResponseWriter.WriteScan(_output, Drop.Count, Drop.Size);
        Pop3ResponseWriter.WriteCrlf(_output);
    }

    /// <summary>
    /// LIST and UIDL (RFC 1939 §5, §7). The multi-line forms keep the original message numbers and
    /// leave out messages marked deleted (WildDuck renumbers them: not copied).
    /// </summary>
    private void List(ArraySegment<byte> arguments, bool uniqueIds)
    {
        ReadOnlySpan<byte> rest = arguments.AsSpan();
        var token = Pop3Command.NextToken(ref rest);
        if (!token.IsEmpty)
        {
            if (!TryMessage(token, out var number))
            {
                return;
            }

            _output.Write("+OK "u8);
            WriteListing(number, uniqueIds);
            return;
        }

        if (uniqueIds)
        {
            Ok(default);
        }
        else
        {
            WriteMaildropOk();
        }

        for (var number = 1; number <= Drop.Total; number++)
        {
            if (!Drop.IsDeleted(number))
            {
                WriteListing(number, uniqueIds);
            }
        }

        _output.Write(".\r\n"u8);
    }

    private void WriteListing(int number, bool uniqueId)
    {
        Pop3ResponseWriter.WriteNumber(_output, number);
        _output.Write(" "u8);
        if (uniqueId)
        {
            // Message ids survive moves in this store, so the id stays stable across sessions.
            Pop3ResponseWriter.WriteUniqueId(_output, Drop.Id(number));
        }
        else
        {
            Pop3ResponseWriter.WriteNumber(_output, Drop.SizeOf(number));
        }

        Pop3ResponseWriter.WriteCrlf(_output);
    }

    /// <summary>
    /// RETR (RFC 1939 §5) and TOP (§7): the stored bytes, streamed and dot-stuffed, never assembled.
    /// RETR marks the message for \Seen at QUIT; TOP does not.
    /// </summary>
    private async ValueTask RetrieveAsync(ArraySegment<byte> arguments, bool top)
    {
        ReadOnlySpan<byte> rest = arguments.AsSpan();
        if (!TryMessage(Pop3Command.NextToken(ref rest), out var number))
        {
            return;
        }

        var lines = 0;
        if (top && !Pop3Command.TryParseNumber(Pop3Command.NextToken(ref rest), out lines))
        {
            Err(default, "Invalid number of lines"u8);
            return;
        }

        using var content = top
            ? await _server.Messages.OpenContentAsync(_user!.Id, Drop.Mailbox, Drop.Uid(number)).ConfigureAwait(false)
            : await OpenForRetrieveAsync(number).ConfigureAwait(false);
        if (content is null)
        {
            // Expunged by another client (IMAP) since the maildrop was listed.
            Err(default, "Message no longer exists"u8);
            return;
        }

        _multiLineStarted = true;
        if (top)
        {
            Ok(default);
        }
        else
        {
            _output.Write("+OK "u8);
            Pop3ResponseWriter.WriteNumber(_output, content.Size);
            _output.Write(" octets\r\n"u8);
        }

        var stuffer = top ? new DotStuffer(_output, lines) : new DotStuffer(_output);
        using (var stream = new DotStuffingStream(_output, stuffer, _armSendDeadline))
        {
            if (!top)
            {
                await content.WriteToAsync(stream, 0, content.Size, _sendDeadline.Token).ConfigureAwait(false);
                Drop.MarkRetrieved(number);
            }
            else
            {
                for (long offset = 0; offset < content.Size && !stuffer.IsComplete; offset += TopWindow)
                {
                    await content.WriteToAsync(stream, offset, TopWindow, _sendDeadline.Token).ConfigureAwait(false);
                }
            }
        }

        DisarmSendDeadline();
        stuffer.Complete();
    }

    /// <summary>
    /// Opens a message for RETR. Clients retrieve the maildrop in order, so a miss reads this message
    /// and the next ones (up to <see cref="PrefetchCount"/> / <see cref="PrefetchBytes"/>) in one
    /// storage pass, as IMAP FETCH does, instead of one query per message.
    /// </summary>
    private async ValueTask<MessageContent?> OpenForRetrieveAsync(int number)
    {
        if (_prefetched.Remove(number, out var ready))
        {
            return ready;
        }

        DisposePrefetched();
        var numbers = new Dictionary<uint, int>();
        long bytes = 0;
        for (var n = number; n <= Drop.Total && numbers.Count < PrefetchCount; n++)
        {
            if (Drop.IsDeleted(n))
            {
                continue;
            }

            if (numbers.Count > 0 && bytes + Drop.SizeOf(n) > PrefetchBytes)
            {
                break;
            }

            numbers[Drop.Uid(n)] = n;
            bytes += Drop.SizeOf(n);
        }

        if (numbers.Count == 1)
        {
            return await _server.Messages.OpenContentAsync(_user!.Id, Drop.Mailbox, Drop.Uid(number)).ConfigureAwait(false);
        }

        await foreach (var message in _server.Messages.ListMessagesAsync(_user!.Id, Drop.Mailbox, UidSet.FromUids(numbers.Keys), MessageFields.Content).ConfigureAwait(false))
        {
            if (message.Content is { } content && !_prefetched.TryAdd(numbers[message.Uid], content))
            {
                content.Dispose();
            }
        }

        // Missing: expunged by another client since login.
        return _prefetched.Remove(number, out ready) ? ready : null;
    }

    private void DisposePrefetched()
    {
        foreach (var content in _prefetched.Values)
        {
            content.Dispose();
        }

        _prefetched.Clear();
    }

    private void Dele(ArraySegment<byte> arguments)
    {
        ReadOnlySpan<byte> rest = arguments.AsSpan();
        if (TryMessage(Pop3Command.NextToken(ref rest), out var number))
        {
            // RFC 1939 §5: only marked; removed in the UPDATE state.
            Drop.MarkDeleted(number);
            Ok("Message deleted"u8);
        }
    }

    private void Rset()
    {
        Drop.Reset();
        WriteMaildropOk();
    }

    /// <summary>QUIT (RFC 1939 §4, §6): in TRANSACTION, apply the marks, then answer and close.</summary>
    private async ValueTask QuitAsync()
    {
        _done = true;
        if (_state == Pop3States.Transaction && !await UpdateAsync().ConfigureAwait(false))
        {
            Err("SYS/TEMP"u8, "Some messages were not updated, try again later"u8);
            return;
        }

        Ok("Bye"u8);
    }

    /// <summary>
    /// The UPDATE state: retrieved messages get \Seen; deleted ones move to Trash with \Seen, or are
    /// removed (<see cref="Pop3Options.DeleteBehavior"/>). Messages gone meanwhile are skipped.
    /// </summary>
    private async ValueTask<bool> UpdateAsync()
    {
        var (deleted, retrieved) = Drop.Changes();
        var user = _user!.Id;
        var inbox = Drop.Mailbox;
        var seen = new FlagUpdate { Operation = FlagOperation.Add, Flags = MessageFlags.Seen };
        try
        {
            if (retrieved.Count > 0)
            {
                await _server.Messages.UpdateFlagsAsync(user, inbox, UidSet.FromUids(retrieved), seen).ConfigureAwait(false);
            }

            if (deleted.Count == 0)
            {
                return true;
            }

            var set = UidSet.FromUids(deleted);
            if (_server.Options.DeleteBehavior == Pop3DeleteBehavior.Trash
                && await _server.Mailboxes.FindSpecialUseAsync(user, SpecialUse.Trash).ConfigureAwait(false) is { } trash
                && trash.Id != inbox)
            {
                await _server.Messages.UpdateFlagsAsync(user, inbox, set, seen).ConfigureAwait(false);
                await _server.Messages.MoveAsync(user, inbox, set, trash.Id).ConfigureAwait(false);
            }
            else
            {
                await _server.Messages.DeleteMessagesAsync(user, inbox, set).ConfigureAwait(false);
            }

            return true;
        }
        catch (StorageException ex)
        {
            Pop3Log.UpdateFailed(_server.Logger, _connection.Id, ex);
            return false;
        }
    }

    /// <summary>
    /// Parses a message number and checks it (RFC 1939 §5: in range, not marked deleted); answers
    /// -ERR itself when it is not usable.
    /// </summary>
    private bool TryMessage(ReadOnlySpan<byte> token, out int number)
    {
        if (!Pop3Command.TryParseNumber(token, out number))
        {
            Err(default, "Invalid message number"u8);
            return false;
        }

        if (number < 1 || number > Drop.Total)
        {
            Err(default, "No such message"u8);
            return false;
        }

        if (Drop.IsDeleted(number))
        {
            Err(default, "Message already deleted"u8);
            return false;
        }

        return true;
    }

    /// <summary>"+OK n messages (s octets)" (RFC 1939 §7 example for PASS, also used by RSET and LIST).</summary>
    private void WriteMaildropOk()
    {
        _output.Write("+OK "u8);
        Pop3ResponseWriter.WriteNumber(_output, Drop.Count);
        _output.Write(" messages ("u8);
        Pop3ResponseWriter.WriteNumber(_output, Drop.Size);
        _output.Write(" octets)\r\n"u8);
    }

    private async ValueTask<Maildrop> OpenMaildropAsync(UserId user)
    {
        var inbox = await _server.Mailboxes.FindMailboxAsync(user, "INBOX").ConfigureAwait(false);
        var snapshot = inbox is null ? null : await _server.Mailboxes.OpenAsync(user, inbox.Id).ConfigureAwait(false);
        if (inbox is null || snapshot is null)
        {
            return new Maildrop(default, [], [], []);
        }

        var uids = new List<uint>();
        var ids = new List<MessageId>();
        var sizes = new List<long>();
        var newest = Newest(snapshot.UidSet, _server.Options.MaxMessages);
        if (!newest.IsEmpty)
        {
            // Ascending UID order: the newest N, shown oldest first (as WildDuck).
            await foreach (var message in _server.Messages.ListMessagesAsync(user, inbox.Id, newest).ConfigureAwait(false))
            {
                uids.Add(message.Uid);
                ids.Add(message.Id);
                sizes.Add(message.Size);
            }
        }

        return new Maildrop(inbox.Id, uids.ToArray(), ids.ToArray(), sizes.ToArray());
    }

    /// <summary>The highest <paramref name="max"/> UIDs of <paramref name="all"/>, without expanding the set.</summary>
    internal static UidSet Newest(UidSet all, int max)
    {
        var ranges = new List<UidRange>();
        long left = max;
        var source = all.Ranges;
        for (var i = source.Length - 1; i >= 0 && left > 0; i--)
        {
            var range = source[i];
            var length = (long)range.Last - range.First + 1;
            if (length <= left)
            {
                ranges.Add(range);
                left -= length;
            }
            else
            {
                ranges.Add(new UidRange((uint)(range.Last - left + 1), range.Last));
                left = 0;
            }
        }

        return UidSet.FromRanges(ranges);
    }
}
