// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using WildDuck.Storage;

namespace WildDuck.Pop3.Session;

/// <summary>
/// The messages one POP3 session offers, fixed at login (RFC 1939 §4: message numbers stay the same
/// for the whole session), with the per-session DELE and RETR marks the UPDATE state applies.
/// </summary>
internal sealed class Maildrop
{
    private readonly uint[] _uids;
    private readonly MessageId[] _ids;
    private readonly long[] _sizes;
    private readonly bool[] _deleted;
    private readonly bool[] _retrieved;

    public Maildrop(MailboxId mailbox, uint[] uids, MessageId[] ids, long[] sizes)
    {
        Mailbox = mailbox;
        _uids = uids;
        _ids = ids;
        _sizes = sizes;
        _deleted = new bool[uids.Length];
        _retrieved = new bool[uids.Length];
        foreach (var size in sizes)
        {
            Size += size;
        }

        Count = uids.Length;
    }

    /// <summary>INBOX.</summary>
    public MailboxId Mailbox { get; }

    /// <summary>Every message number, deleted or not (1..Total).</summary>
    public int Total => _uids.Length;

    /// <summary>Messages not marked deleted (STAT, RFC 1939 §5).</summary>
    public int Count { get; private set; }

    /// <summary>Octets of the messages not marked deleted.</summary>
    public long Size { get; private set; }

    /// <summary>True when message <paramref name="number"/> (1-based, in range) is marked deleted.</summary>
    public bool IsDeleted(int number) => _deleted[number - 1];

    public uint Uid(int number) => _uids[number - 1];

    public MessageId Id(int number) => _ids[number - 1];

    public long SizeOf(int number) => _sizes[number - 1];

    public void MarkDeleted(int number)
    {
        if (!_deleted[number - 1])
        {
            _deleted[number - 1] = true;
            Count--;
            Size -= _sizes[number - 1];
        }
    }

    public void MarkRetrieved(int number) => _retrieved[number - 1] = true;

    /// <summary>RSET (RFC 1939 §5): unmark every deleted message.</summary>
    public void Reset()
    {
        Array.Clear(_deleted);
        Count = _uids.Length;
        Size = 0;
        foreach (var size in _sizes)
        {
            Size += size;
        }
    }

    /// <summary>UIDs marked deleted, and UIDs retrieved but not deleted (for \Seen), ascending.</summary>
    public (List<uint> Deleted, List<uint> Retrieved) Changes()
    {
        var deleted = new List<uint>();
        var retrieved = new List<uint>();
        for (var i = 0; i < _uids.Length; i++)
        {
            if (_deleted[i])
            {
                deleted.Add(_uids[i]);
            }
            else if (_retrieved[i])
            {
                retrieved.Add(_uids[i]);
            }
        }

        return (deleted, retrieved);
    }
}
