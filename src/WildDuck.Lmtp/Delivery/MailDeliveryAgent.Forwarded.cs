// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using WildDuck.Filters;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Lmtp;

/// <summary>
/// Delivery to forwarded addresses (reference §6.2 "a result without a user field", §6.7): the
/// message is forwarded to the address's targets and answered with the address's own autoreply;
/// nothing is stored. WildDuck does this in its MX plugin; here the delivery agent does it, so LMTP,
/// an MX integration and the API share it.
/// </summary>
/// <remarks>
/// Replies (docs/delivery.md): <c>forwardedDisabled</c> <c>550 5.2.1</c> (at RCPT and again after
/// DATA); a spam verdict <c>550 5.7.1</c>; 30 or more <c>Received:</c> fields <c>554 5.4.6</c>
/// (routing loop, RFC 3463 §3.5); the daily limit reached <c>450 4.7.1</c> (nothing else keeps the
/// message, so the sender retries rather than losing it; a user's message is stored and only its
/// forward is skipped); a failure to queue <c>451 4.3.0</c>; else <c>250 2.0.0</c>. The autoreply
/// is queued after the forwards and its failure is only logged, so a retry cannot forward twice.
/// </remarks>
internal sealed partial class MailDeliveryAgent
{
    /// <summary>The user a forwarded address's delivery is evaluated as: no filters, the default spam level.</summary>
    private const int ForwardedSpamLevel = 50;

    private static RecipientVerdict CheckForwarded(string address, ForwardedAddressRecord forwarded) =>
        forwarded.ForwardedDisabled
            ? new RecipientVerdict(ForwardingDisabled(), null)
            : new RecipientVerdict(
                new SmtpReply(250, "2.1.5", "Recipient ok"),
                new AcceptedRecipient(address, default, LabelOf(address)) { ForwardedAddress = forwarded.Id });

    private static SmtpReply ForwardingDisabled() => new(550, "5.2.1", "Forwarding disabled for this address");

    private async Task<SmtpReply> DeliverToForwardedAsync(DeliveryRequest request, AcceptedRecipient recipient, EntityId id, CancellationToken cancellationToken)
    {
        // Read again: the address may have changed since RCPT TO.
        var forwarded = await _users.GetForwardedAddressAsync(id, cancellationToken).ConfigureAwait(false);
        if (forwarded is null)
        {
            return new SmtpReply(550, "5.1.1", "Unknown recipient");
        }

        if (forwarded.ForwardedDisabled)
        {
            return ForwardingDisabled();
        }

        if (Prepare(request, recipient.Address, out var copy) is { } refused)
        {
            return refused;
        }

        using (copy)
        {
            var indexed = copy!.Indexed;
            var input = DeliveryInput.FromMetadata(indexed.Metadata, indexed.Size, recipient.Address) with
            {
                SpamLevel = ForwardedSpamLevel,
                UserForwardTargets = forwarded.Targets,
            };
            var plan = _evaluator.Evaluate(input);
            if (plan.IsSpam)
            {
                LogForwardedSpam(_logger, recipient.Address);
                return new SmtpReply(550, "5.7.1", "Message refused as spam");
            }

            if (CountReceived(input.Headers) >= _options.MaxReceivedHeadersToForward)
            {
                LogForwardLoop(_logger, recipient.Address);
                return new SmtpReply(554, "5.4.6", "Routing loop detected: too many Received headers");
            }

            // WildDuck counts a forwarded address under its own id (wdf:<addressId>); ids are unique
            // across users and addresses, so the id doubles as the counter key.
            var limit = forwarded.Forwards > 0 ? forwarded.Forwards : _wildDuck.Users.MaxForwardsPerDay;
            var source = new ForwardSource(new UserId(forwarded.Id), null, limit, null);
            if (!await QueueForwardsAsync(request, recipient.Owner, plan.ForwardTargets, source, copy.Content, cancellationToken).ConfigureAwait(false))
            {
                return new SmtpReply(450, "4.7.1", "Daily forwarding limit reached for this address, try again later");
            }

            try
            {
                await ForwardedAutoreplyAsync(request, recipient, forwarded, plan, indexed.Metadata, input.Headers, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSideEffectFailed(_logger, recipient.Address, ex);
            }

            return new SmtpReply(250, "2.0.0", "Ok: forwarded");
        }
    }

    private async Task ForwardedAutoreplyAsync(
        DeliveryRequest request,
        AcceptedRecipient recipient,
        ForwardedAddressRecord forwarded,
        DeliveryPlan plan,
        MessageMetadata metadata,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        CancellationToken cancellationToken)
    {
        // The same rules as a user's autoreply (reference §6.6, RFC 3834 §2).
        if (forwarded.Autoreply is not { } settings || !plan.AutoreplyAllowed || !AutoreplyPolicy.ShouldReply(request.ReturnPath, headers, plan.IsSpam))
        {
            return;
        }

        await SendAutoreplyAsync(
            request,
            recipient.Address,
            settings,
            settings.Name ?? forwarded.Name ?? forwarded.Address,
            new AutoreplyOriginal(metadata, headers, null),
            (sender, now, ct) => _users.TryRecordForwardedAutoreplyAsync(forwarded.Id, sender, now, _options.AutoreplyInterval, ct),
            null,
            cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Message for the forwarded address {Recipient} refused as spam.")]
    private static partial void LogForwardedSpam(ILogger logger, string recipient);

    /// <summary>Whose forwards these are.</summary>
    /// <param name="CounterKey">The key of the daily forward counter (a user id, or a forwarded address's id).</param>
    /// <param name="QueueUser">The user the queued copies belong to; null for a forwarded address.</param>
    /// <param name="Limit">Copies allowed per day.</param>
    /// <param name="EncryptionKey">An OpenPGP key to encrypt the copies to (<c>encryptForwarded</c>), or null.</param>
    private readonly record struct ForwardSource(UserId CounterKey, UserId? QueueUser, int Limit, string? EncryptionKey);

    /// <summary>The message an autoreply answers.</summary>
    /// <param name="Metadata">Its parsed metadata (subject, Message-ID).</param>
    /// <param name="Headers">Its header fields.</param>
    /// <param name="StoredId">The stored copy, or null when nothing was stored.</param>
    private sealed record AutoreplyOriginal(MessageMetadata Metadata, IReadOnlyList<KeyValuePair<string, string>> Headers, MessageId? StoredId);

    /// <summary>A delivery's copy in a pooled buffer, returned on dispose.</summary>
    private sealed class PreparedCopy : IDisposable
    {
        private byte[]? _buffer;

        public PreparedCopy(byte[] buffer, ReadOnlyMemory<byte> content, IndexedMessage indexed)
        {
            _buffer = buffer;
            Content = content;
            Indexed = indexed;
        }

        public ReadOnlyMemory<byte> Content { get; }

        public IndexedMessage Indexed { get; }

        public void Dispose()
        {
            if (_buffer is { } buffer)
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
