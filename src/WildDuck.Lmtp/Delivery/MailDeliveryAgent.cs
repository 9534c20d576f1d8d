// SPDX-License-Identifier: MIT
using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WildDuck.Filters;
using WildDuck.Storage;
using WildDuck.Storage.Addressing;
using WildDuck.Storage.Mime;

namespace WildDuck.Lmtp;

/// <summary>
/// The delivery pipeline of reference §6.3, per recipient user: trace headers, the user's filters,
/// the junk verdict, forwarding, autoreply, drop, and the store into the target mailbox.
/// </summary>
/// <remarks>
/// Unlike WildDuck, the copy is stored <em>before</em> forwards and the autoreply are queued: a
/// failed store answers 4xx and the sending MTA retries, which must not forward twice. Once stored,
/// a failure to queue a forward is logged and the recipient still gets 250 (retrying would store a
/// second copy). A dropped message (filter <c>delete</c>) queues its filter forwards first and
/// answers 4xx when that fails, since nothing else keeps it.
/// </remarks>
internal sealed partial class MailDeliveryAgent : IMailDeliveryAgent
{
    private const string Source = "LMTP";

    /// <summary>Room for Return-Path, Delivered-To and Received on top of the message size limit.</summary>
    private const int TraceAllowance = 64 * 1024;

    private readonly IUserStore _users;
    private readonly IMailboxStore _mailboxes;
    private readonly IMessageStore _messages;
    private readonly IFilterStore _filters;
    private readonly IAutoreplyStore _autoreplies;
    private readonly IOutboundQueue _outbound;
    private readonly DeliveryOptions _options;
    private readonly WildDuckOptions _wildDuck;
    private readonly MessageIndexer _indexer;
    private readonly FilterEvaluator _evaluator;
    private readonly IForwardCounter _forwardCounter;
    private readonly TimeProvider _time;
    private readonly ILogger<MailDeliveryAgent> _logger;
    private readonly Outbound.OutboundWakeup? _relayWakeup;

    public MailDeliveryAgent(
        IUserStore users,
        IMailboxStore mailboxes,
        IMessageStore messages,
        IFilterStore filters,
        IAutoreplyStore autoreplies,
        IOutboundQueue outbound,
        IOptions<DeliveryOptions> options,
        IOptions<WildDuckOptions> wildDuck,
        IForwardCounter forwardCounter,
        TimeProvider time,
        ILogger<MailDeliveryAgent> logger,
        Outbound.OutboundWakeup? relayWakeup = null)
    {
        _users = users;
        _mailboxes = mailboxes;
        _messages = messages;
        _filters = filters;
        _autoreplies = autoreplies;
        _outbound = outbound;
        _options = options.Value;
        _wildDuck = wildDuck.Value;
        // The size limit is the client's: the trace fields this agent adds get room on top, so a
        // message that fits the advertised SIZE is never refused after DATA (RFC 1870).
        var limits = _wildDuck.Messages.Clone();
        limits.MaxMessageSize += TraceAllowance;
        _indexer = new MessageIndexer(limits);
        _evaluator = new FilterEvaluator(_options.ToSpamHeaderOptions());
        _forwardCounter = forwardCounter;
        _time = time;
        _logger = logger;
        _relayWakeup = relayWakeup;
    }

    /// <inheritdoc />
    public async ValueTask<RecipientVerdict> CheckRecipientAsync(string address, long declaredSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);

        // RFC 5321 §4.5.1: "Postmaster" without a domain must be accepted; it is the postmaster
        // of this host (or of the configured mail domain).
        if (address.Equals("postmaster", StringComparison.OrdinalIgnoreCase))
        {
            address = "postmaster@" + (_wildDuck.EmailDomain ?? _wildDuck.Hostname);
        }

        if (!AddressNormalizer.IsValidAddress(address))
        {
            return new RecipientVerdict(new SmtpReply(501, "5.1.3", "Bad recipient address syntax"), null);
        }

        var resolved = await _users.ResolveRecipientAsync(address, _options.AllowWildcardRecipients, cancellationToken).ConfigureAwait(false);
        if (resolved?.Forwarded is { } forwarded)
        {
            return CheckForwarded(address, forwarded);
        }

        var user = resolved?.UserAddress is { } owned ? await _users.GetUserAsync(owned.User, cancellationToken).ConfigureAwait(false) : null;
        if (user is null)
        {
            return new RecipientVerdict(new SmtpReply(550, "5.1.1", "Unknown recipient"), null);
        }

        if (user.Disabled || user.Suspended)
        {
            return new RecipientVerdict(new SmtpReply(550, "5.2.1", "Mailbox disabled"), null);
        }

        // RFC 1870 §6: a declared size that cannot fit is refused at RCPT. Without SIZE, a full
        // mailbox (not a byte left) is refused too.
        if (user.StorageUsed + Math.Max(declaredSize, 1) > EffectiveQuota(user))
        {
            return new RecipientVerdict(OverQuota(), null);
        }

        return new RecipientVerdict(new SmtpReply(250, "2.1.5", "Recipient ok"), new AcceptedRecipient(address, user.Id, LabelOf(address)));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SmtpReply>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var replies = new SmtpReply[request.Recipients.Count];
        var outcomes = new SmtpReply[request.Recipients.Count];

        // One copy per distinct user (reference §6.1): recipients that resolve to the same user
        // share its outcome; the first recipient names the Delivered-To header. Each reply names
        // its own recipient, as in RFC 2033 §4.2's example, so a log line says whose it was.
        for (var i = 0; i < replies.Length; i++)
        {
            var recipient = request.Recipients[i];
            var first = FirstIndexOf(request.Recipients, recipient.Owner, i);
            if (first < i)
            {
                outcomes[i] = outcomes[first];
            }
            else
            {
                try
                {
                    outcomes[i] = recipient.ForwardedAddress is { } forwarded
                        ? await DeliverToForwardedAsync(request, recipient, forwarded, cancellationToken).ConfigureAwait(false)
                        : await DeliverToUserAsync(request, recipient, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    LogDeliveryFailed(_logger, recipient.Address, ex);
                    outcomes[i] = new SmtpReply(451, "4.3.0", "Temporary failure, try again later");
                }
            }

            replies[i] = outcomes[i] with { Text = recipient.Address + " " + outcomes[i].Text };
        }

        return replies;
    }

    private async Task<SmtpReply> DeliverToUserAsync(DeliveryRequest request, AcceptedRecipient recipient, CancellationToken cancellationToken)
    {
        var user = await _users.GetUserAsync(recipient.User, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return new SmtpReply(550, "5.1.1", "Unknown recipient");
        }

        if (user.Disabled || user.Suspended)
        {
            return new SmtpReply(550, "5.2.1", "Mailbox disabled");
        }

        if (Prepare(request, recipient.Address, out var copy) is { } refused)
        {
            return refused;
        }

        using (copy)
        {
            var content = copy!.Content;
            var indexed = copy.Indexed;
            var filters = await _filters.ListFiltersAsync(user.Id, cancellationToken).ConfigureAwait(false);
            var input = DeliveryInput.FromMetadata(indexed.Metadata, indexed.Size, recipient.Address) with
            {
                SpamLevel = user.SpamLevel,
                Filters = filters,
                UserForwardTargets = user.ForwardTargets,
            };
            var plan = _evaluator.Evaluate(input);

            if (plan.Drop)
            {
                // Nothing is stored; the filter's own forwards still go (reference §6.3 step 9). A
                // failure to queue them answers 4xx (nothing else keeps the message); once they are
                // queued, an autoreply failure is only logged, so a retry cannot forward twice.
                await ForwardAsync(request, recipient, user, plan, content, input.Headers, cancellationToken).ConfigureAwait(false);
                try
                {
                    await AutoreplyAsync(request, recipient, user, plan, indexed.Metadata, input.Headers, null, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSideEffectFailed(_logger, recipient.Address, ex);
                }

                LogDropped(_logger, recipient.Address);
                return new SmtpReply(250, "2.0.0", "Message dropped by policy");
            }

            var mailbox = await TargetMailboxAsync(user.Id, plan.Target, cancellationToken).ConfigureAwait(false);
            if (mailbox is null)
            {
                LogNoInbox(_logger, user.Id.ToString());
                return new SmtpReply(451, "4.3.0", "Mailbox unavailable, try again later");
            }

            // Filters ran on the plaintext; the store gets the encrypted form when the user asks for
            // it (reference §7.9), indexed again because its MIME structure is a different one.
            var storedContent = content;
            var storedIndex = indexed;
            if (StoredMessageEncryption.Applies(user, mailbox, plan.Flags) && StoredMessageEncryption.Encrypt(content.Span, user.PublicKey!) is { } encrypted)
            {
                storedContent = encrypted;
                try
                {
                    storedIndex = _indexer.Index(storedContent);
                }
                catch (MessageLimitExceededException)
                {
                    // The encrypted form is larger than the plaintext that passed Prepare's check.
                    return new SmtpReply(552, "5.3.4", "Message exceeds a structure limit once encrypted");
                }
            }

            AppendResult stored;
            try
            {
                stored = await _messages.AppendAsync(
                    user.Id,
                    mailbox.Id,
                    new AppendRequest { Content = storedContent, Indexed = storedIndex, Flags = plan.Flags, Source = Source },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (StorageException ex) when (ex.Error == StorageError.OverQuota)
            {
                return OverQuota();
            }
            catch (StorageException ex) when (ex.Error is StorageError.TooBig or StorageError.Limit)
            {
                return new SmtpReply(552, "5.3.4", "Message too big");
            }

            try
            {
                await ForwardAsync(request, recipient, user, plan, content, input.Headers, cancellationToken).ConfigureAwait(false);
                await AutoreplyAsync(request, recipient, user, plan, indexed.Metadata, input.Headers, stored.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stored: a retry by the sending MTA would store a second copy, so the reply stays 250.
                LogSideEffectFailed(_logger, recipient.Address, ex);
            }

            return new SmtpReply(250, "2.0.0", "Ok: stored as " + stored.Id.ToString());
        }
    }

    /// <summary>
    /// The copy every delivery starts from: the trace header fields, the session's Received field
    /// and the message (reference §6.3 step 1; RFC 5321 §4.4: Return-Path is added at final
    /// delivery), indexed. A refusal when it is too big or too complex.
    /// </summary>
    private SmtpReply? Prepare(DeliveryRequest request, string recipient, out PreparedCopy? copy)
    {
        copy = null;
        var trace = TraceHeaders(request.ReturnPath, recipient);

        // Bytes, not characters: SMTPUTF8 addresses take more than one byte per character.
        var length = Encoding.UTF8.GetByteCount(trace) + request.ReceivedHeader.Length + request.Message.Length;
        if (request.Message.Length > _wildDuck.Messages.MaxMessageSize || length - request.Message.Length > TraceAllowance)
        {
            return new SmtpReply(552, "5.3.4", "Message too big");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var written = Encoding.UTF8.GetBytes(trace, buffer);
        request.ReceivedHeader.Span.CopyTo(buffer.AsSpan(written));
        written += request.ReceivedHeader.Length;
        request.Message.Span.CopyTo(buffer.AsSpan(written));
        var content = new ReadOnlyMemory<byte>(buffer, 0, length);
        try
        {
            copy = new PreparedCopy(buffer, content, _indexer.Index(content));
            return null;
        }
        catch (MessageLimitExceededException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return new SmtpReply(552, "5.3.4", "Message exceeds a structure limit");
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private async Task ForwardAsync(
        DeliveryRequest request,
        AcceptedRecipient recipient,
        UserRecord user,
        DeliveryPlan plan,
        ReadOnlyMemory<byte> content,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        CancellationToken cancellationToken)
    {
        if (plan.ForwardTargets.Count == 0 || plan.IsSpam)
        {
            return;
        }

        if (CountReceived(headers) >= _options.MaxReceivedHeadersToForward)
        {
            LogForwardLoop(_logger, recipient.Address);
            return;
        }

        // With encryptForwarded the copy is encrypted to the user's key too (reference §7.9).
        var source = new ForwardSource(user.Id, user.Id, _wildDuck.Users.MaxForwardsPerDay, user.EncryptForwarded ? user.PublicKey : null);
        await QueueForwardsAsync(request, recipient.Owner, plan.ForwardTargets, source, content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues one forwarded copy per target kind (reference §6.7): the mail targets together, each
    /// relay or HTTP target on its own for the original recipient. The copies are counted first
    /// against the owner's daily limit (WildDuck's <c>wdf:&lt;id&gt;</c>); past it nothing is queued.
    /// </summary>
    /// <returns>False when the limit refused the copies; true otherwise (also when no target was usable).</returns>
    private async Task<bool> QueueForwardsAsync(
        DeliveryRequest request,
        EntityId owner,
        IReadOnlyList<string> targets,
        ForwardSource source,
        ReadOnlyMemory<byte> content,
        CancellationToken cancellationToken)
    {
        var mail = new List<string>();
        var routes = new List<ForwardTarget>();
        foreach (var text in targets)
        {
            if (!ForwardTarget.TryParse(text, out var target))
            {
                LogBadTarget(_logger, source.CounterKey.ToString(), text);
                continue;
            }

            if (target.Kind == ForwardTargetKind.Mail)
            {
                mail.Add(target.Value);
            }
            else
            {
                routes.Add(target);
            }
        }

        var copies = mail.Count + routes.Count;
        if (copies == 0)
        {
            return true;
        }

        // Shared across instances when UseRedis() registered its counter; never fails for an outage.
        if (!await _forwardCounter.TryConsumeAsync(source.CounterKey, copies, source.Limit, cancellationToken).ConfigureAwait(false))
        {
            LogForwardLimit(_logger, source.CounterKey.ToString(), source.Limit);
            return false;
        }

        // The forwarded copy is the delivered one with its trace headers, but without our
        // Return-Path: RFC 5321 §4.4 adds that field at final delivery only, and the next final
        // delivery adds its own. Delivered-To and Received stay, so the next hops see a loop. The
        // envelope sender stays the original one (SRS is the MTA's job).
        content = WithoutOwnReturnPath(content);
        var bytes = !string.IsNullOrEmpty(source.EncryptionKey) && StoredMessageEncryption.Encrypt(content.Span, source.EncryptionKey) is { } encrypted
            ? encrypted
            : content.ToArray();
        var copiesToQueue = new List<OutboundMessage>(1 + routes.Count);
        if (mail.Count > 0)
        {
            copiesToQueue.Add(new OutboundMessage { ReturnPath = request.ReturnPath, Recipients = mail, Content = bytes, Reason = "forward", User = source.QueueUser });
        }

        if (routes.Count > 0)
        {
            // A relay or HTTP target receives the mail for the original recipients (reference §6.7):
            // every recipient of this owner's group, since the copy is made once per owner (a
            // catch-all forwarded address or aliases may collect several in one transaction).
            var originals = RecipientsOf(request.Recipients, owner);
            foreach (var route in routes)
            {
                copiesToQueue.Add(new OutboundMessage { ReturnPath = request.ReturnPath, Recipients = originals, Content = bytes, Route = route.Value, Reason = "forward", User = source.QueueUser });
            }
        }

        // All or none: when queueing fails the reply is a 4xx, and the sender's retry must not send
        // the copies that did get queued a second time.
        await _outbound.EnqueueAllAsync(copiesToQueue, cancellationToken).ConfigureAwait(false);
        _relayWakeup?.Notify();
        return true;
    }

    private async Task AutoreplyAsync(
        DeliveryRequest request,
        AcceptedRecipient recipient,
        UserRecord user,
        DeliveryPlan plan,
        MessageMetadata metadata,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        MessageId? storedId,
        CancellationToken cancellationToken)
    {
        // RFC 3834 §2 and reference §6.6: cheap header checks first, then the user's settings, then
        // the once-per-sender log (which records the reply, so it runs last).
        if (!plan.AutoreplyAllowed || !AutoreplyPolicy.ShouldReply(request.ReturnPath, headers, plan.IsSpam))
        {
            return;
        }

        var settings = await _autoreplies.GetAutoreplyAsync(user.Id, cancellationToken).ConfigureAwait(false);
        if (settings is null)
        {
            return;
        }

        await SendAutoreplyAsync(
            request,
            recipient.Address,
            settings,
            settings.Name ?? user.Name ?? user.Username,
            new AutoreplyOriginal(metadata, headers, storedId),
            (sender, now, ct) => _autoreplies.TryRecordAutoreplyAsync(user.Id, sender, now, _options.AutoreplyInterval, ct),
            user.Id,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Composes and queues an automatic reply when <paramref name="settings"/> are active now and the
    /// sender was not answered within the interval (<paramref name="record"/>, reference §6.6).
    /// </summary>
    private async Task SendAutoreplyAsync(
        DeliveryRequest request,
        string recipientAddress,
        AutoreplySettings settings,
        string fromName,
        AutoreplyOriginal original,
        Func<string, DateTimeOffset, CancellationToken, Task<bool>> record,
        UserId? queueUser,
        CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (!settings.IsActiveAt(now))
        {
            return;
        }

        // Compose first: a sender address MimeKit cannot take gets no reply, and is not recorded
        // as answered.
        byte[] reply;
        try
        {
            reply = AutoreplyComposer.Compose(
                settings,
                fromName: fromName,
                fromAddress: recipientAddress,
                to: request.ReturnPath,
                original: original.Metadata,
                originalReferences: HeaderValue(original.Headers, "references"),
                storedId: original.StoredId,
                hostname: _wildDuck.Hostname,
                now: now);
        }
        catch (MimeKit.ParseException)
        {
            return;
        }

        if (!await record(request.ReturnPath, now, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await _outbound.EnqueueAsync(
            new OutboundMessage { ReturnPath = string.Empty, Recipients = new[] { request.ReturnPath }, Content = reply, Reason = "autoreply", User = queueUser },
            cancellationToken).ConfigureAwait(false);
        _relayWakeup?.Notify();
    }

    private async Task<MailboxRecord?> TargetMailboxAsync(UserId user, DeliveryTarget target, CancellationToken cancellationToken)
    {
        switch (target.Kind)
        {
            case DeliveryTargetKind.Mailbox when target.MailboxId is { } id:
                // A filter's mailbox that no longer exists falls back to INBOX (reference §6.3 step 10).
                if (await _mailboxes.GetMailboxAsync(user, id, cancellationToken).ConfigureAwait(false) is { } chosen)
                {
                    return chosen;
                }

                break;
            case DeliveryTargetKind.Junk:
                if (await _mailboxes.FindSpecialUseAsync(user, SpecialUse.Junk, cancellationToken).ConfigureAwait(false) is { } junk)
                {
                    return junk;
                }

                break;
        }

        return await _mailboxes.FindMailboxAsync(user, "INBOX", cancellationToken).ConfigureAwait(false);
    }

    private long EffectiveQuota(UserRecord user) => user.Quota > 0 ? user.Quota : _wildDuck.Users.DefaultQuota;

    private SmtpReply OverQuota() => _options.OverQuotaIsPermanent
        ? new SmtpReply(552, "5.2.2", "Mailbox full")
        : new SmtpReply(452, "4.2.2", "Mailbox full, try again later");

    /// <summary>
    /// The copy without the Return-Path line <see cref="TraceHeaders"/> put first (one unfolded
    /// line); a Return-Path the sender put further down is theirs and stays.
    /// </summary>
    private static ReadOnlyMemory<byte> WithoutOwnReturnPath(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        if (!span.StartsWith("Return-Path: <"u8))
        {
            return content;
        }

        var end = span.IndexOf("\r\n"u8);
        return end < 0 ? content : content[(end + 2)..];
    }

    private static string TraceHeaders(string returnPath, string recipient) =>
        "Return-Path: <" + WithoutControls(returnPath) + ">\r\nDelivered-To: " + WithoutControls(recipient) + "\r\n";

    /// <summary>
    /// A second line of defence after the LMTP parser: the envelope comes from the client and must
    /// never end a header line early (CR, LF) or carry other control bytes into the stored message.
    /// </summary>
    private static string WithoutControls(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return string.Create(value.Length, value, static (span, v) =>
                {
                    for (var i = 0; i < v.Length; i++)
                    {
                        span[i] = char.IsControl(v[i]) ? '?' : v[i];
                    }
                });
            }
        }

        return value;
    }

    private static int FirstIndexOf(IReadOnlyList<AcceptedRecipient> recipients, EntityId owner, int before)
    {
        for (var i = 0; i < before; i++)
        {
            if (recipients[i].Owner == owner)
            {
                return i;
            }
        }

        return before;
    }

    /// <summary>The addresses of the recipients that resolved to <paramref name="owner"/>, each once.</summary>
    private static List<string> RecipientsOf(IReadOnlyList<AcceptedRecipient> recipients, EntityId owner)
    {
        var addresses = new List<string>();
        foreach (var recipient in recipients)
        {
            if (recipient.Owner == owner && addresses.FindIndex(a => string.Equals(a, recipient.Address, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                addresses.Add(recipient.Address);
            }
        }

        return addresses;
    }

    private static string? LabelOf(string address)
    {
        var at = address.LastIndexOf('@');
        var plus = at > 0 ? address.IndexOf('+', 0, at) : -1;
        return plus >= 0 ? address[(plus + 1)..at] : null;
    }

    private static int CountReceived(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var count = 0;
        foreach (var (name, _) in headers)
        {
            if (name.Equals("received", StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }
        }

        return count;
    }

    private static string? HeaderValue(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var (key, value) in headers)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Delivery to {Recipient} failed; answered 451.")]
    private static partial void LogDeliveryFailed(ILogger logger, string recipient, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Message for {Recipient} dropped by a filter.")]
    private static partial void LogDropped(ILogger logger, string recipient);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "User {User} has no INBOX; delivery deferred.")]
    private static partial void LogNoInbox(ILogger logger, string user);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "The message for {Recipient} is stored, but queuing its forward or autoreply failed.")]
    private static partial void LogSideEffectFailed(ILogger logger, string recipient, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Not forwarding the message for {Recipient}: too many Received headers (mail loop?).")]
    private static partial void LogForwardLoop(ILogger logger, string recipient);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "User or forwarded address {Owner} has an invalid forward target '{Target}'; skipped.")]
    private static partial void LogBadTarget(ILogger logger, string owner, string target);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "User or forwarded address {Owner} reached the forwarding limit of {Limit} per day; forward skipped.")]
    private static partial void LogForwardLimit(ILogger logger, string owner, int limit);
}
