// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>
/// One entry of the authentication log (WildDuck's <c>authlog</c> document, reference §1.2 and §7.5): a login
/// attempt or a security-relevant change. Repeats of the same event (same user, action, result, reason, protocol,
/// IP, source, password and scope) within the merge window are one entry with a count.
/// </summary>
public sealed record AuthEventRecord
{
    /// <summary>The id (time-ordered).</summary>
    public required EntityId Id { get; init; }

    /// <summary>The user; null for a login attempt with an unknown name.</summary>
    public UserId? User { get; init; }

    /// <summary>What happened: <c>authentication</c> for logins, or a change such as <c>create asp</c> (<see cref="Security.AuthEventAction"/>).</summary>
    public required string Action { get; init; }

    /// <summary><c>success</c>, <c>fail</c>, <c>disabled</c>, <c>suspended</c>… (<see cref="Security.AuthEventResult"/>).</summary>
    public required string Result { get; init; }

    /// <summary>Why a login failed (e.g. <c>InvalidCredentials</c>, <c>InvalidScope</c>); null on success.</summary>
    public string? Reason { get; init; }

    /// <summary>The protocol: <c>IMAP</c>, <c>POP3</c>, <c>SMTP</c>, <c>API</c>.</summary>
    public string? Protocol { get; init; }

    /// <summary>The client's session id, when it gave one (WildDuck <c>sess</c>).</summary>
    public string? Session { get; init; }

    /// <summary>The client IP.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The scope the login asked for (<c>imap</c>, <c>pop3</c>, <c>smtp</c>, <c>master</c>).</summary>
    public string? RequiredScope { get; init; }

    /// <summary>Which password matched: <c>master</c>, <c>temporary</c>, <c>asp</c>, <c>token</c> (<see cref="Security.AuthenticationSource"/>).</summary>
    public string? Source { get; init; }

    /// <summary>The application-specific password involved (login with it, its creation or deletion).</summary>
    public EntityId? Asp { get; init; }

    /// <summary>That password's description (WildDuck <c>aname</c>).</summary>
    public string? AspName { get; init; }

    /// <summary>When the first occurrence happened.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When the latest occurrence happened.</summary>
    public DateTimeOffset Last { get; init; }

    /// <summary>How many occurrences the entry stands for.</summary>
    public int Events { get; init; } = 1;

    /// <summary>When the entry is purged (the retention after its latest occurrence).</summary>
    public required DateTimeOffset Expires { get; init; }
}

/// <summary>A filter and position for <see cref="IAuthLogStore.ListAuthEventsAsync"/>.</summary>
public sealed record AuthEventQuery
{
    /// <summary>Only entries with this action; null for all.</summary>
    public string? Action { get; init; }

    /// <summary>Only entries from this client IP; null for all.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Only entries older than this id (the next page of a newest-first list).</summary>
    public EntityId? Before { get; init; }

    /// <summary>Only entries newer than this id (the previous page); ignored when <see cref="Before"/> is set.</summary>
    public EntityId? After { get; init; }

    /// <summary>Most entries returned.</summary>
    public int Limit { get; init; } = 20;
}

/// <summary>A page of the authentication log.</summary>
/// <param name="Events">The entries, newest first.</param>
/// <param name="Total">How many entries of the user match the filter, ignoring the position.</param>
public sealed record AuthEventPage(IReadOnlyList<AuthEventRecord> Events, long Total);

/// <summary>The authentication log (reference §7.5).</summary>
public interface IAuthLogStore
{
    /// <summary>
    /// Records an event. When the user has an entry with the same action, result, reason, protocol, IP, source,
    /// password and scope created within <paramref name="mergeWindow"/> before <see cref="AuthEventRecord.Created"/>,
    /// that entry's <see cref="AuthEventRecord.Events"/> grows by one and its <see cref="AuthEventRecord.Last"/> and
    /// <see cref="AuthEventRecord.Expires"/> move to the new event's; otherwise the event is inserted. Returns the stored entry.
    /// </summary>
    Task<AuthEventRecord> AddAuthEventAsync(AuthEventRecord entry, TimeSpan mergeWindow, CancellationToken cancellationToken = default);

    /// <summary>The user's unexpired entries matching <paramref name="query"/>, newest first (by id).</summary>
    Task<AuthEventPage> ListAuthEventsAsync(UserId user, AuthEventQuery query, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>One entry of the user; null when unknown, another user's or expired at <paramref name="now"/>.</summary>
    Task<AuthEventRecord?> GetAuthEventAsync(UserId user, EntityId id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes every entry that expired at or before <paramref name="now"/>; returns how many.</summary>
    Task<long> DeleteExpiredAuthEventsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
