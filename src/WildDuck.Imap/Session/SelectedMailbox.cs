// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using WildDuck.Storage;

namespace WildDuck.Imap.Session;

/// <summary>What kind of untagged update a <see cref="MailboxUpdate"/> is.</summary>
internal enum MailboxUpdateKind
{
    /// <summary><c>* n EXISTS</c> with the new message count.</summary>
    Exists,

    /// <summary><c>* n EXPUNGE</c> for a sequence number.</summary>
    Expunge,

    /// <summary><c>* n FETCH (FLAGS (...) [MODSEQ (m)])</c>.</summary>
    Fetch,

    /// <summary>New keywords appeared: <c>* FLAGS (...)</c> and <c>* OK [PERMANENTFLAGS (...)]</c>.</summary>
    Flags,
}

/// <summary>One untagged update to send.</summary>
/// <param name="Kind">What to send.</param>
/// <param name="Number">Sequence number (EXPUNGE, FETCH) or count (EXISTS).</param>
/// <param name="Uid">The message UID (FETCH).</param>
/// <param name="Flags">System flags (FETCH).</param>
/// <param name="Keywords">Keywords (FETCH).</param>
/// <param name="ModSeq">The message's MODSEQ (FETCH).</param>
internal readonly record struct MailboxUpdate(MailboxUpdateKind Kind, uint Number, uint Uid, MessageFlags Flags, IReadOnlyList<string>? Keywords, long ModSeq);

/// <summary>
/// The only state an IMAP session keeps for its selected mailbox: the UID list the client knows
/// (index + 1 = sequence number), the highest MODSEQ it has seen, and journal entries not yet
/// reported. Everything else is read from storage on demand, so any instance can serve any user.
/// </summary>
/// <remarks>
/// Updates are released only where RFC 3501 §7.4.1 / RFC 9051 §7.5.1 allow: EXPUNGE never while a
/// FETCH, STORE or SEARCH without UID is answered (the sequence numbers the client is using must
/// not shift under it); EXISTS and FETCH at any command completion; everything at once during IDLE.
/// </remarks>
internal sealed class SelectedMailbox
{
    private readonly UidRunList _uids;
    private readonly List<JournalEntry> _pending = new();
    private readonly HashSet<string> _keywords;
    // UID -> the MODSEQ at which this session last reported the message's flags (its own STORE,
    // a FETCH with FLAGS, an unsolicited FETCH). A journal FETCH entry at or below it is older than
    // what the client has and must not follow it (RFC 7162 §3.1.3: a message's MODSEQ never goes
    // down; RFC 3501 §7.4.2). Kept only while journal entries below it may still be unread.
    // Created on first use (as _pendingFetch): an idling session has neither (issue #3, 10,000
    // IDLE connections).
    private Dictionary<uint, long>? _reported;

    // UID -> the lowest MODSEQ of its FETCH entries in _pending (FETCH entries are drained
    // together, so this is cleared then); keeps the per-message checks O(1) on big STOREs.
    private Dictionary<uint, long>? _pendingFetch;

    public SelectedMailbox(MailboxSnapshot snapshot, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Id = snapshot.Mailbox.Id;
        Path = snapshot.Mailbox.Path;
        UidValidity = snapshot.Mailbox.UidValidity;
        ReadOnly = readOnly;
        HighestModSeq = snapshot.Mailbox.HighestModSeq;
        _uids = new UidRunList(snapshot.UidSet.Ranges);
        _keywords = new HashSet<string>(snapshot.Mailbox.Keywords, StringComparer.OrdinalIgnoreCase);
    }

    public MailboxId Id { get; }

    public string Path { get; set; }

    public uint UidValidity { get; }

    public bool ReadOnly { get; }

    /// <summary>The highest MODSEQ whose journal entries this session has read.</summary>
    public long HighestModSeq { get; private set; }

    /// <summary>Messages the client knows about (including ones expunged elsewhere but not yet reported).</summary>
    public int Count => _uids.Count;

    /// <summary>Keywords the client has been told about in FLAGS / PERMANENTFLAGS.</summary>
    public IReadOnlyCollection<string> Keywords => _keywords;

    /// <summary>UID of sequence number <paramref name="sequence"/> (1-based).</summary>
    public uint UidAt(int sequence) => _uids[sequence - 1];

    /// <summary>Runs of consecutive UIDs held (diagnostics).</summary>
    public int UidRuns => _uids.RunCount;

    /// <summary>The highest UID the client knows, or 0.</summary>
    public uint MaxUid => _uids.Last;

    /// <summary>Sequence number of <paramref name="uid"/>, or 0 when the client does not know it.</summary>
    public int SequenceOf(uint uid)
    {
        var index = _uids.BinarySearch(uid);
        return index < 0 ? 0 : index + 1;
    }

    /// <summary>True when storage removed the message but the client has not been told yet.</summary>
    public bool IsExpungePending(uint uid)
    {
        foreach (var entry in _pending)
        {
            if (entry.Command == JournalCommand.Expunge && entry.Uid == uid)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Resolves one range of a sequence set (<paramref name="isUid"/> false) or UID set into UIDs.
    /// <c>*</c> is passed as <see cref="uint.MaxValue"/> and means the last message (RFC 3501 §9:
    /// "the largest number in use"), so "5:*" includes the last message even when 5 is beyond it.
    /// </summary>
    public void AddRange(List<UidRange> into, uint first, uint last, bool isUid)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (_uids.Count == 0)
        {
            return;
        }

        if (isUid)
        {
            var max = _uids.Last;
            var a = first == uint.MaxValue ? max : first;
            var b = last == uint.MaxValue ? max : last;
            into.Add(new UidRange(Math.Min(a, b), Math.Max(a, b)));
            return;
        }

        var count = (uint)_uids.Count;
        var s1 = first == uint.MaxValue ? count : first;
        var s2 = last == uint.MaxValue ? count : last;
        var lo = Math.Min(s1, s2);
        var hi = Math.Min(Math.Max(s1, s2), count);
        if (lo == 0 || lo > count)
        {
            return;
        }

        // Consecutive sequence numbers map to ascending (not necessarily consecutive) UIDs; emit
        // one UID range per run of consecutive UIDs.
        var runStart = _uids[(int)lo - 1];
        var previous = runStart;
        for (var seq = lo + 1; seq <= hi; seq++)
        {
            var uid = _uids[(int)seq - 1];
            if (uid != previous + 1)
            {
                into.Add(new UidRange(runStart, previous));
                runStart = uid;
            }

            previous = uid;
        }

        into.Add(new UidRange(runStart, previous));
    }

    /// <summary>True when a sequence number is valid for this view (RFC 3501: a number beyond the count is an error).</summary>
    public bool IsValidSequence(uint sequence) => sequence >= 1 && sequence <= _uids.Count;

    /// <summary>
    /// Resolves a client's set to UIDs. A sequence number beyond the message count is an error
    /// (false) unless its range uses "*"; on an empty mailbox a set using "*" resolves to nothing, since "*" names no message.
    /// </summary>
    public bool TryResolve(WildDuck.Imap.Protocol.ImapSequenceSet set, bool isUid, out UidSet uids) => TryResolve(set, isUid, lenient: false, out uids);

    /// <summary>
    /// As <see cref="TryResolve(WildDuck.Imap.Protocol.ImapSequenceSet, bool, out UidSet)"/>; with
    /// <paramref name="lenient"/>, numbers beyond the count match nothing instead of being an error
    /// (SEARCH criteria select messages, they do not address them — as Dovecot answers them).
    /// </summary>
    public bool TryResolve(WildDuck.Imap.Protocol.ImapSequenceSet set, bool isUid, bool lenient, out UidSet uids)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (isUid)
        {
            uids = _uids.Count == 0 && set.HasStar ? UidSet.Empty : set.ResolveUids(MaxUid);
            return true;
        }

        if (_uids.Count == 0 && set.HasStar)
        {
            uids = UidSet.Empty;
            return true;
        }

        var ranges = new List<UidRange>(set.Ranges.Length);
        foreach (var r in set.Ranges)
        {
            var first = r.First == WildDuck.Imap.Protocol.ImapSequenceSet.Star ? uint.MaxValue : r.First;
            var last = r.Last == WildDuck.Imap.Protocol.ImapSequenceSet.Star ? uint.MaxValue : r.Last;
            // RFC 9051 §9 (seq-range): "*" is the largest number in use and "n:*" equals "*:n", so a range
            // with "*" names the messages from the last one up to n; a bound beyond the count is not an error
            // there (as with UIDs, "3291:*"). Only a number without "*" must name an existing message.
            var starRange = first == uint.MaxValue || last == uint.MaxValue;
            if (!lenient && !starRange && (!IsValidSequence(first) || !IsValidSequence(last)))
            {
                uids = UidSet.Empty;
                return false;
            }

            AddRange(ranges, first, last, isUid: false);
        }

        uids = UidSet.FromRanges(ranges);
        return true;
    }

    /// <summary>How many of the UIDs in <paramref name="set"/> the client knows.</summary>
    public int CountKnown(UidSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        // O(ranges × log runs): FETCH calls this on every command, whatever the mailbox size.
        var count = 0;
        foreach (var range in set.Ranges)
        {
            var end = range.Last == uint.MaxValue ? _uids.Count : _uids.LowerBound(range.Last + 1);
            count += end - _uids.LowerBound(range.First);
        }

        return count;
    }

    /// <summary>Queues journal entries read since <see cref="HighestModSeq"/>.</summary>
    public void AddJournal(IReadOnlyList<JournalEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            if (entry.ModSeq > HighestModSeq)
            {
                HighestModSeq = entry.ModSeq;
            }

            if (entry.Command is JournalCommand.Exists or JournalCommand.Expunge or JournalCommand.Fetch)
            {
                _pending.Add(entry);
                if (entry.Command == JournalCommand.Fetch)
                {
                    var pendingFetch = _pendingFetch ??= new Dictionary<uint, long>();
                    if (!pendingFetch.TryGetValue(entry.Uid, out var lowest) || entry.ModSeq < lowest)
                    {
                        pendingFetch[entry.Uid] = entry.ModSeq;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Records that the client now has the flags of <paramref name="uid"/> as of
    /// <paramref name="modSeq"/> (this session's own STORE, or a FETCH that returned FLAGS), so
    /// journal FETCH entries up to that MODSEQ — its own change, and older changes by other
    /// sessions — are not sent after it (RFC 7162 §3.1.3, RFC 3501 §7.4.2).
    /// </summary>
    public void NoteReported(uint uid, long modSeq)
    {
        // Entries at or below the watermark are read already: only pending ones can still follow.
        if (modSeq <= HighestModSeq && _pendingFetch?.ContainsKey(uid) != true)
        {
            return;
        }

        var reportedByUid = _reported ??= new Dictionary<uint, long>();
        if (!reportedByUid.TryGetValue(uid, out var known) || known < modSeq)
        {
            reportedByUid[uid] = modSeq;
        }
    }

    /// <summary>
    /// True when a journal FETCH entry of another session for <paramref name="uid"/>, older than
    /// <paramref name="modSeq"/> (the state about to be reported), has not been reported: the
    /// response must then carry FLAGS even where the client did not ask (STORE .SILENT, FETCH
    /// without FLAGS), because that entry will not be sent after it.
    /// </summary>
    public bool HasUnreportedFlagChange(uint uid, long modSeq)
    {
        if (_pendingFetch is null || !_pendingFetch.TryGetValue(uid, out var lowest))
        {
            return false;
        }

        var reported = _reported?.GetValueOrDefault(uid) ?? 0;
        if (lowest > reported)
        {
            return lowest < modSeq;
        }

        // Rare: flags reported above a pending entry (a journal read that lagged); look closer.
        foreach (var entry in _pending)
        {
            if (entry.Command == JournalCommand.Fetch && entry.Uid == uid && entry.ModSeq < modSeq && entry.ModSeq > reported)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Announces keywords the client has not been told about; true when any was new (send FLAGS first).</summary>
    public bool LearnNewKeywords(IReadOnlyList<string> keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        return LearnKeywords(keywords);
    }

    /// <summary>Raises the MODSEQ watermark after this session's own change.</summary>
    public void NoteModSeq(long modSeq)
    {
        if (modSeq > HighestModSeq)
        {
            HighestModSeq = modSeq;
        }
    }

    /// <summary>Records keywords this session announced itself.</summary>
    public void AddKeywords(IEnumerable<string> keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        foreach (var k in keywords)
        {
            _keywords.Add(k);
        }
    }

    /// <summary>Removes a message this session expunged itself and reported; returns its sequence number.</summary>
    public int RemoveOwnExpunge(uint uid)
    {
        var index = _uids.BinarySearch(uid);
        if (index < 0)
        {
            return 0;
        }

        _uids.RemoveAt(index);
        return index + 1;
    }

    /// <summary>Adds a message this session appended or copied into the mailbox itself.</summary>
    public bool AddOwnExists(uint uid)
    {
        if (_uids.Count > 0 && uid <= _uids.Last)
        {
            return false;
        }

        _uids.Add(uid);
        return true;
    }

    /// <summary>
    /// Applies queued entries and returns the untagged updates to send, in order. With
    /// <paramref name="allowExpunge"/> false, expunges stay queued (sequence numbers must not
    /// shift) while new messages and flag changes are released.
    /// </summary>
    public List<MailboxUpdate> Drain(bool allowExpunge)
    {
        var updates = new List<MailboxUpdate>();
        if (_pending.Count == 0)
        {
            PruneReported();
            return updates;
        }

        var added = false;
        var kept = new List<JournalEntry>();
        var latestFetch = new Dictionary<uint, JournalEntry>();
        var newKeywords = false;

        // RFC 3501 §7.4.1, §7.3.1: a message appended and expunged again since the client's last
        // report is never mentioned — neither counted in EXISTS nor expunged, since an EXPUNGE
        // must name a message the client knows (its sequence number would be beyond the count).
        HashSet<uint>? addedAndGone = null;
        if (allowExpunge)
        {
            var lastKnown = _uids.Last;
            HashSet<uint>? appended = null;
            foreach (var entry in _pending)
            {
                if (entry.Command == JournalCommand.Exists && (_uids.Count == 0 || entry.Uid > lastKnown))
                {
                    (appended ??= new HashSet<uint>()).Add(entry.Uid);
                }
                else if (entry.Command == JournalCommand.Expunge && appended is not null && appended.Contains(entry.Uid))
                {
                    (addedAndGone ??= new HashSet<uint>()).Add(entry.Uid);
                }
            }
        }

        foreach (var entry in _pending)
        {
            if (addedAndGone is not null && addedAndGone.Contains(entry.Uid))
            {
                continue;
            }

            switch (entry.Command)
            {
                case JournalCommand.Exists:
                    if (_uids.Count == 0 || entry.Uid > _uids.Last)
                    {
                        _uids.Add(entry.Uid);
                        added = true;
                    }

                    newKeywords |= LearnKeywords(entry.Keywords);
                    break;
                case JournalCommand.Expunge:
                    if (!allowExpunge)
                    {
                        kept.Add(entry);
                        break;
                    }

                    var index = _uids.BinarySearch(entry.Uid);
                    if (index >= 0)
                    {
                        _uids.RemoveAt(index);
                        latestFetch.Remove(entry.Uid);
                        updates.Add(new MailboxUpdate(MailboxUpdateKind.Expunge, (uint)(index + 1), entry.Uid, MessageFlags.None, null, entry.ModSeq));
                    }

                    break;
                case JournalCommand.Fetch:
                    // Own changes, and changes older than flags the client already got, are not
                    // sent (RFC 7162 §3.1.3: per message, MODSEQ never goes down).
                    if (_reported is not null && _reported.TryGetValue(entry.Uid, out var reported) && entry.ModSeq <= reported)
                    {
                        break;
                    }

                    latestFetch[entry.Uid] = entry;
                    newKeywords |= LearnKeywords(entry.Keywords);
                    break;
            }
        }

        _pending.Clear();
        _pendingFetch?.Clear();
        _pending.AddRange(kept);

        if (newKeywords)
        {
            updates.Insert(0, new MailboxUpdate(MailboxUpdateKind.Flags, 0, 0, MessageFlags.None, null, 0));
        }

        if (added)
        {
            // One EXISTS with the final count (RFC 3501 §7.3.1), after any EXPUNGEs.
            updates.Add(new MailboxUpdate(MailboxUpdateKind.Exists, (uint)_uids.Count, 0, MessageFlags.None, null, 0));
        }

        foreach (var (uid, entry) in latestFetch)
        {
            var seq = SequenceOf(uid);
            if (seq > 0 && !IsExpungePending(uid))
            {
                updates.Add(new MailboxUpdate(MailboxUpdateKind.Fetch, (uint)seq, uid, entry.Flags, entry.Keywords, entry.ModSeq));
            }
        }

        PruneReported();
        return updates;
    }

    /// <summary>
    /// Forgets reported MODSEQs at or below the journal watermark: every entry up to it has been
    /// read and drained, and entries read later are all above it.
    /// </summary>
    private void PruneReported()
    {
        if (_reported is null || _reported.Count == 0)
        {
            return;
        }

        List<uint>? stale = null;
        foreach (var (uid, modSeq) in _reported)
        {
            if (modSeq <= HighestModSeq)
            {
                (stale ??= new List<uint>()).Add(uid);
            }
        }

        if (stale is not null)
        {
            foreach (var uid in stale)
            {
                _reported.Remove(uid);
            }
        }
    }

    private bool LearnKeywords(IReadOnlyList<string> keywords)
    {
        var added = false;
        foreach (var k in keywords)
        {
            added |= _keywords.Add(k);
        }

        return added;
    }
}
