// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Imap.Session;

/// <content>APPEND (RFC 3501 §6.3.11, UIDPLUS RFC 4315, APPENDLIMIT RFC 7889, UTF8 RFC 6855, BINARY RFC 3516).</content>
internal sealed partial class ImapSession
{
    /// <summary>An APPEND whose message was small enough to be framed with the command.</summary>
    private async ValueTask AppendInlineAsync(AppendCommand command)
    {
        if (command.Message.Length > _server.Options.AppendLimit)
        {
            throw new ImapNoException("TOOBIG"u8, "Message exceeds the APPENDLIMIT");
        }

        var mailbox = await RequireMailboxAsync(command.Prefix.Mailbox, tryCreate: true).ConfigureAwait(false);
        await StoreAppendAsync(command.Prefix, mailbox, command.Message).ConfigureAwait(false);
    }

    /// <summary>
    /// An APPEND whose literal was announced: checked (mailbox, APPENDLIMIT, quota) before the
    /// continuation is sent, then streamed from the connection (RFC 7889 §3: refuse before the data).
    /// </summary>
    private async ValueTask AppendStreamAsync(AppendPrefix prefix, ImapReadResult announced)
    {
        SetTag(prefix.Tag);
        _badCommands = 0;
        MailboxRecord? mailbox;
        try
        {
            if (prefix.LiteralSize > _server.Options.AppendLimit)
            {
                throw new ImapNoException("TOOBIG"u8, "Message exceeds the APPENDLIMIT");
            }

            mailbox = await RequireMailboxAsync(prefix.Mailbox, tryCreate: true).ConfigureAwait(false);
            var user = await _server.Users.GetUserAsync(UserId).ConfigureAwait(false) ?? throw new ImapNoException("UNAVAILABLE"u8, "The account is gone");
            var quota = user.Quota > 0 ? user.Quota : _server.WildDuck.Users.DefaultQuota;
            if (user.StorageUsed + prefix.LiteralSize > quota)
            {
                throw new ImapNoException("OVERQUOTA"u8, "Quota exceeded");
            }
        }
        catch (Exception ex) when (IsCommandFailure(ex))
        {
            // Refused (or failed) before the message was sent: the literal is refused with it.
            var (status, code, text) = Outcome(ex, nameof(AppendCommand));
            await RefuseLiteralAsync(announced, status, code, text).ConfigureAwait(false);
            return;
        }

        if (!prefix.NonSync)
        {
            WriteContinuation("Ready for message data");
            await FlushAsync().ConfigureAwait(false);
        }

        var size = (int)prefix.LiteralSize;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            var literal = _reader.OpenLiteral();
            var read = 0;
            ArmCommandTimer();
            while (read < size)
            {
                int n;
                try
                {
                    n = await literal.ReadAsync(buffer.AsMemory(read, size - read)).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_timer.TimedOut || _stopping)
                {
                    // The frame reader never passes a cancelled read off as a short body.
                    throw await AbortCancelledReadAsync().ConfigureAwait(false);
                }
                catch (EndOfStreamException)
                {
                    throw new ConnectionClosedException();
                }

                if (n == 0)
                {
                    // Cancelled by the timer (a stalled upload) or shutdown, or the client left.
                    throw _timer.TimedOut || _stopping ? await AbortCancelledReadAsync().ConfigureAwait(false) : new ConnectionClosedException();
                }

                read += n;
            }

            // The rest of the command line: empty, or ")" for the UTF8 (~{n}) form.
            var tail = await _reader.ReadAsync().ConfigureAwait(false);
            if (tail.Kind == ImapReadKind.Canceled)
            {
                throw await AbortCancelledReadAsync().ConfigureAwait(false);
            }

            _timer.Disarm();
            if (tail.Kind != ImapReadKind.Command)
            {
                if (tail.Kind == ImapReadKind.LiteralAnnounced)
                {
                    // MULTIAPPEND is not offered: a second message literal is refused.
                    await RefuseLiteralAsync(tail, ImapStatus.Bad, default, "Only one message per APPEND").ConfigureAwait(false);
                    return;
                }

                throw new ConnectionClosedException();
            }

            if (!ImapCommandParser.IsValidAppendTail(tail.Command.Span, prefix.IsUtf8))
            {
                throw new ImapBadException("Unexpected data after the message literal");
            }

            await StoreAppendAsync(prefix, mailbox!, buffer.AsMemory(0, size)).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCommandFailure(ex))
        {
            // The store's transaction either committed the whole message or nothing of it.
            await FailCommandAsync(ex, nameof(AppendCommand)).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask StoreAppendAsync(AppendPrefix prefix, MailboxRecord mailbox, ReadOnlyMemory<byte> message)
    {
        // At-rest encryption (reference §7.9) reads the user's current settings, so a key set
        // through the API applies to sessions already logged in.
        if (await _server.Users.GetUserAsync(UserId).ConfigureAwait(false) is { } user)
        {
            message = StoredMessageEncryption.ForUser(user, mailbox, message, prefix.Flags);
        }

        var result = await _server.Messages.AppendAsync(
            UserId,
            mailbox.Id,
            new AppendRequest
            {
                Content = message,
                Flags = prefix.Flags,
                Keywords = prefix.Keywords,
                InternalDate = prefix.InternalDate,
                Source = "IMAP",
            }).ConfigureAwait(false);

        if (_selected?.Id == mailbox.Id)
        {
            // RFC 3501 §6.3.11: the client learns of the new message in the selected mailbox. The
            // append's journal entry was written with the message, so reading the journal now (even
            // before its notification arrives) announces it — after any message another session
            // appended first, since UIDs ascend with sequence numbers (RFC 3501 §2.3.1.1).
            Volatile.Write(ref _changed, 1);
        }

        await WriteUpdatesAsync(allowExpunge: true).ConfigureAwait(false);
        var w = new ImapResponseWriter(_output);
        w.WriteRaw(TagBytes);

        // RFC 4315 §3: APPENDUID uidvalidity uid.
        w.WriteRaw(" OK [APPENDUID "u8);
        w.WriteNumber(result.UidValidity);
        w.WriteSpace();
        w.WriteNumber(result.Uid);
        w.WriteRaw("] APPEND completed\r\n"u8);
        w.Commit();
        await FlushAsync().ConfigureAwait(false);
    }
}
