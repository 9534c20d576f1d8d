// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Storage;

namespace WildDuck.Lmtp;

/// <summary>
/// Stores mail for local recipients: the part of delivery that does not depend on the protocol.
/// The LMTP session asks it about every RCPT TO and hands it every message; an MX integration or
/// the HTTP API can use the same agent. Replace it to change how recipients are resolved or mail
/// is stored.
/// </summary>
public interface IMailDeliveryAgent
{
    /// <summary>
    /// Resolves and checks a recipient at RCPT TO time (reference §6.2): unknown <c>550 5.1.1</c>,
    /// disabled <c>550 5.2.1</c>, over quota <c>452 4.2.2</c> (or <c>552 5.2.2</c>), a forwarded
    /// address with <c>forwardedDisabled</c> <c>550 5.2.1</c>, else accepted.
    /// </summary>
    /// <param name="address">The forward-path without brackets, as the client sent it.</param>
    /// <param name="declaredSize">The MAIL FROM <c>SIZE=</c> value, or 0 when none was given.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The reply to send and, when accepted, the resolved recipient.</returns>
    ValueTask<RecipientVerdict> CheckRecipientAsync(string address, long declaredSize, CancellationToken cancellationToken);

    /// <summary>
    /// Delivers one message to every accepted recipient and returns one reply per recipient, in the
    /// order of <see cref="DeliveryRequest.Recipients"/> (RFC 2033 §4.2). A recipient gets a 2xx
    /// reply only when its copy is durably stored (or dropped by its own filter), or for a forwarded
    /// address when the forwards are queued.
    /// </summary>
    /// <param name="request">The envelope and the message.</param>
    /// <param name="cancellationToken">Cancels the delivery; copies already stored stay stored.</param>
    /// <returns>The replies.</returns>
    Task<IReadOnlyList<SmtpReply>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken);
}

/// <summary>An SMTP reply with its enhanced status code (RFC 3463).</summary>
/// <param name="Code">The three-digit reply code.</param>
/// <param name="EnhancedCode">The enhanced status code, e.g. <c>2.1.5</c>.</param>
/// <param name="Text">The human-readable text (one line, no CR or LF).</param>
public readonly record struct SmtpReply(int Code, string EnhancedCode, string Text)
{
    /// <summary>True for 2xx replies.</summary>
    public bool IsPositive => Code is >= 200 and < 300;
}

/// <summary>The result of checking one RCPT TO.</summary>
/// <param name="Reply">The reply to send.</param>
/// <param name="Recipient">The resolved recipient when the reply is positive, else null.</param>
public sealed record RecipientVerdict(SmtpReply Reply, AcceptedRecipient? Recipient);

/// <summary>A recipient accepted at RCPT TO.</summary>
/// <param name="Address">The address as given (used for <c>Delivered-To</c>), without brackets.</param>
/// <param name="User">The owning user; <c>default</c> for a forwarded address.</param>
/// <param name="Label">The <c>+label</c> of the local part without the plus, or null.</param>
public sealed record AcceptedRecipient(string Address, UserId User, string? Label)
{
    /// <summary>
    /// The forwarded address the recipient resolved to (reference §6.2: a result without a user);
    /// null for a user's address. Its mail is forwarded to the address's targets, never stored.
    /// </summary>
    public EntityId? ForwardedAddress { get; init; }

    /// <summary>Whose delivery this is: the forwarded address, else the user (recipients sharing it share one delivery).</summary>
    internal EntityId Owner => ForwardedAddress ?? User.Value;
}

/// <summary>One message for the accepted recipients of a transaction.</summary>
public sealed record DeliveryRequest
{
    /// <summary>The reverse-path of MAIL FROM without brackets; empty for the null sender.</summary>
    public required string ReturnPath { get; init; }

    /// <summary>The accepted recipients in RCPT order (duplicates allowed; each gets its reply).</summary>
    public required IReadOnlyList<AcceptedRecipient> Recipients { get; init; }

    /// <summary>
    /// The message as received (dot-unstuffed, CRLF). Valid only during the call: the session
    /// reuses the buffer afterwards.
    /// </summary>
    public required ReadOnlyMemory<byte> Message { get; init; }

    /// <summary>
    /// The complete <c>Received:</c> header field the session built (RFC 5321 §4.4), including its
    /// final CRLF; prepended to every copy after <c>Return-Path</c> and <c>Delivered-To</c>.
    /// </summary>
    public required ReadOnlyMemory<byte> ReceivedHeader { get; init; }
}
