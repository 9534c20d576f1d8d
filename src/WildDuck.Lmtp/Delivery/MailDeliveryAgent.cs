// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage;

namespace WildDuck.Lmtp;

/// <summary>
/// The default delivery agent: resolves recipients through <see cref="IUserStore"/> and stores every
/// copy, with <c>Return-Path</c>, <c>Delivered-To</c> and the session's <c>Received</c> field in
/// front, in the recipient's INBOX.
/// </summary>
/// <remarks>
/// Minimal implementation for the protocol branch (no filters, junk, autoreply or forwarding); the
/// full pipeline of reference §6.3 replaces this file.
/// </remarks>
internal sealed class MailDeliveryAgent : IMailDeliveryAgent
{
    private readonly IUserStore _users;
    private readonly IMailboxStore _mailboxes;
    private readonly IMessageStore _messages;

    public MailDeliveryAgent(IUserStore users, IMailboxStore mailboxes, IMessageStore messages)
    {
        _users = users;
        _mailboxes = mailboxes;
        _messages = messages;
    }

    public async ValueTask<RecipientVerdict> CheckRecipientAsync(string address, long declaredSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        AddressRecord? record;
        UserRecord? user = null;
        try
        {
            record = await _users.ResolveAddressAsync(address, allowWildcard: false, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                user = await _users.GetUserAsync(record.User, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (StorageException)
        {
            return new RecipientVerdict(new SmtpReply(451, "4.3.0", "Database error"), null);
        }

        if (record is null || user is null)
        {
            return new RecipientVerdict(new SmtpReply(550, "5.1.1", "Unknown recipient"), null);
        }

        if (user.Disabled)
        {
            return new RecipientVerdict(new SmtpReply(550, "5.2.1", "Mailbox disabled"), null);
        }

        return new RecipientVerdict(new SmtpReply(250, "2.1.5", "Recipient ok"), new AcceptedRecipient(address, user.Id, LabelOf(address)));
    }

    public async Task<IReadOnlyList<SmtpReply>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var replies = new SmtpReply[request.Recipients.Count];
        for (var i = 0; i < replies.Length; i++)
        {
            replies[i] = await DeliverOneAsync(request, request.Recipients[i], cancellationToken).ConfigureAwait(false);
        }

        return replies;
    }

    private async Task<SmtpReply> DeliverOneAsync(DeliveryRequest request, AcceptedRecipient recipient, CancellationToken cancellationToken)
    {
        var prefix = Encoding.UTF8.GetBytes("Return-Path: <" + request.ReturnPath + ">\r\nDelivered-To: " + recipient.Address + "\r\n");
        var length = prefix.Length + request.ReceivedHeader.Length + request.Message.Length;
        var content = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            prefix.CopyTo(content, 0);
            request.ReceivedHeader.Span.CopyTo(content.AsSpan(prefix.Length));
            request.Message.Span.CopyTo(content.AsSpan(prefix.Length + request.ReceivedHeader.Length));
            var inbox = await _mailboxes.FindMailboxAsync(recipient.User, "INBOX", cancellationToken).ConfigureAwait(false);
            if (inbox is null)
            {
                return new SmtpReply(451, "4.3.0", recipient.Address + " Mailbox unavailable");
            }

            var stored = await _messages.AppendAsync(
                recipient.User,
                inbox.Id,
                new AppendRequest { Content = content.AsMemory(0, length), Source = "LMTP" },
                cancellationToken).ConfigureAwait(false);
            return new SmtpReply(250, "2.0.0", recipient.Address + " Ok: stored as " + stored.Id.ToString());
        }
        catch (MessageLimitExceededException)
        {
            return new SmtpReply(552, "5.3.4", recipient.Address + " Message exceeds a storage limit");
        }
        catch (StorageException ex) when (ex.Error == StorageError.OverQuota)
        {
            return new SmtpReply(452, "4.2.2", recipient.Address + " Mailbox full");
        }
        catch (StorageException)
        {
            return new SmtpReply(451, "4.3.0", recipient.Address + " Storage error, try again later");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(content);
        }
    }

    private static string? LabelOf(string address)
    {
        var at = address.LastIndexOf('@');
        var local = at < 0 ? address.AsSpan() : address.AsSpan(0, at);
        var plus = local.IndexOf('+');
        return plus < 0 ? null : local[(plus + 1)..].ToString();
    }
}
