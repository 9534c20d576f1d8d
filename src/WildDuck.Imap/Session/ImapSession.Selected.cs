// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;
using WildDuck.Storage.Search;

namespace WildDuck.Imap.Session;

/// <content>CLOSE, UNSELECT, EXPUNGE, STORE, COPY, MOVE, SEARCH.</content>
internal sealed partial class ImapSession
{
    private SelectedMailbox Selected => _selected!;

    /// <summary>
    /// Records a CONDSTORE-enabling command (RFC 7162 §3.1). When it is the first one and a mailbox is selected, the
    /// mailbox's HIGHESTMODSEQ is reported in an untagged OK before the command's own responses (RFC 7162 §3.1), so a
    /// client that turns CONDSTORE on after SELECT learns where its MODSEQ bookkeeping starts. Call it before the
    /// command writes anything.
    /// </summary>
    private void EnableCondStore()
    {
        if (_condStore)
        {
            return;
        }

        _condStore = true;
        if (_selected is { } selected)
        {
            var w = new ImapResponseWriter(_output);
            w.WriteRaw("* OK [HIGHESTMODSEQ "u8);
            w.WriteNumber((ulong)selected.HighestModSeq);
            w.WriteRaw("] Highest\r\n"u8);
            w.Commit();
        }
    }

    private UidSet Resolve(ImapSequenceSet set, bool isUid)
    {
        if (!Selected.TryResolve(set, isUid, out var uids))
        {
            throw new ImapBadException("Invalid message sequence number");
        }

        return uids;
    }

    private void RequireWritable()
    {
        if (Selected.ReadOnly)
        {
            throw new ImapNoException("READ-ONLY"u8, "The mailbox is open read-only");
        }
    }

    /// <summary>CLOSE (RFC 3501 §6.4.2): expunge silently unless read-only, then deselect.</summary>
    private async ValueTask CloseAsync()
    {
        var selected = Selected;
        _selected = null;
        _state = ImapState.Authenticated;
        if (!selected.ReadOnly)
        {
            await _server.Messages.ExpungeAsync(UserId, selected.Id).ConfigureAwait(false);
        }

        await OkAsync("CLOSE completed").ConfigureAwait(false);
    }

    /// <summary>UNSELECT (RFC 3691): deselect without expunging.</summary>
    private async ValueTask UnselectAsync()
    {
        _selected = null;
        _state = ImapState.Authenticated;
        await OkAsync("UNSELECT completed").ConfigureAwait(false);
    }

    /// <summary>EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1).</summary>
    private async ValueTask ExpungeAsync(ImapSequenceSet? uidSet)
    {
        RequireWritable();
        var selected = Selected;
        var removed = await _server.Messages.ExpungeAsync(UserId, selected.Id, uidSet is null ? null : Resolve(uidSet, isUid: true)).ConfigureAwait(false);
        var w = new ImapResponseWriter(_output);
        foreach (var message in removed)
        {
            var sequence = selected.RemoveOwnExpunge(message.Uid);
            if (sequence > 0)
            {
                w.WriteUntaggedNumber((uint)sequence, "EXPUNGE"u8);
            }
        }

        w.Commit();
        await OkAsync("EXPUNGE completed").ConfigureAwait(false);
    }

    /// <summary>STORE / UID STORE (RFC 3501 §6.4.6, RFC 7162 §3.1.3 UNCHANGEDSINCE).</summary>
    private async ValueTask StoreAsync(StoreCommand command)
    {
        RequireWritable();
        var selected = Selected;
        var uids = Resolve(command.Set, command.IsUid);
        if (command.UnchangedSince is not null)
        {
            EnableCondStore();
        }

        var result = await _server.Messages.UpdateFlagsAsync(
            UserId,
            selected.Id,
            uids,
            new FlagUpdate
            {
                Operation = command.Operation,
                Flags = command.Flags,
                Keywords = command.Keywords,
                UnchangedSince = command.UnchangedSince is { } since ? (long)Math.Min(since, long.MaxValue) : null,
            }).ConfigureAwait(false);

        // .SILENT: changes other sessions committed before this one are read now, so that this
        // command's responses can include them (HasUnreportedFlagChange) and their older journal
        // copies are not sent after them. A non-silent STORE reports the current flags anyway, so
        // it reads the journal only when a change was signalled (WriteUpdatesAsync), as before.
        if (command.Silent)
        {
            await ReadJournalAsync(selected, force: true).ConfigureAwait(false);
        }

        var w = new ImapResponseWriter(_output);
        if (result.NewKeywords.Count > 0)
        {
            // RFC 3501 §7.2.6: announce the grown flag set before the FETCH responses use it.
            selected.AddKeywords(result.NewKeywords);
            WriteFlagLists(ref w, selected);
        }

        foreach (var change in result.Updated)
        {
            var sequence = selected.SequenceOf(change.Uid);
            if (sequence == 0)
            {
                continue;
            }

            // .SILENT silences the client's own change only (RFC 3501 §6.4.6); a change by another
            // session not yet reported is included, as its older journal entry is not sent after
            // this response (RFC 7162 §3.1.3: a message's MODSEQ never goes down).
            var writeFlags = !command.Silent || selected.HasUnreportedFlagChange(change.Uid, change.ModSeq);

            // The journal watermark is not raised here: entries of other sessions below this
            // MODSEQ may be unread still, and skipping them would lose their EXPUNGE / FETCH
            // updates (RFC 3501 §7.4.1, RFC 7162 §3.2). Journal entries up to this change are
            // dropped when read.
            selected.NoteReported(change.Uid, change.ModSeq);
            if (!writeFlags && !_condStore)
            {
                continue;
            }

            if (writeFlags && selected.LearnNewKeywords(change.Keywords))
            {
                // RFC 3501 §7.2.6: a keyword another session defined is announced before its use.
                WriteFlagLists(ref w, selected);
            }

            w.BeginFetch((uint)sequence);

            // RFC 7162 §3.1: once CONDSTORE is enabled, FETCH responses caused by a STORE carry
            // both UID and MODSEQ, also for STORE by sequence number.
            if (command.IsUid || _condStore)
            {
                w.WriteFetchUid(change.Uid);
            }

            if (writeFlags)
            {
                w.WriteFetchFlags(change.Flags, change.Keywords);
            }

            if (_condStore)
            {
                w.WriteFetchModSeq((ulong)change.ModSeq);
            }

            w.EndFetch();
        }

        w.Commit();
        if (result.Modified.Count > 0)
        {
            // RFC 7162 §3.1.3: MODIFIED lists the messages that failed the condition.
            var modified = new List<uint>(result.Modified.Count);
            foreach (var uid in result.Modified)
            {
                var sequence = command.IsUid ? uid : (uint)selected.SequenceOf(uid);
                if (sequence != 0)
                {
                    modified.Add(sequence);
                }
            }

            modified.Sort();
            await WriteUpdatesAsync(command.IsUid).ConfigureAwait(false);
            var t = new ImapResponseWriter(_output);
            t.WriteRaw(TagBytes);
            t.WriteRaw(" OK [MODIFIED "u8);
            t.WriteSequenceSet(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(modified));
            t.WriteRaw("] Conditional STORE failed\r\n"u8);
            t.Commit();
            await FlushAsync().ConfigureAwait(false);
            return;
        }

        // RFC 3501 §7.4.1: no EXPUNGE while answering a STORE by sequence number.
        await OkAsync("STORE completed", allowExpunge: command.IsUid).ConfigureAwait(false);
    }

    /// <summary>COPY (RFC 3501 §6.4.7, COPYUID RFC 4315 §3) and MOVE (RFC 6851).</summary>
    private async ValueTask CopyAsync(bool isUid, ImapSequenceSet set, string mailbox, bool move)
    {
        if (move)
        {
            RequireWritable();
        }

        var selected = Selected;
        var uids = Resolve(set, isUid);
        var target = await RequireMailboxAsync(mailbox, tryCreate: true).ConfigureAwait(false);
        var result = move
            ? await _server.Messages.MoveAsync(UserId, selected.Id, uids, target.Id).ConfigureAwait(false)
            : await _server.Messages.CopyAsync(UserId, selected.Id, uids, target.Id).ConfigureAwait(false);

        if (result.SourceUids.Count == 0)
        {
            await OkAsync(move ? "No messages moved" : "No messages copied").ConfigureAwait(false);
            return;
        }

        if (!move)
        {
            await WriteUpdatesAsync(allowExpunge: true).ConfigureAwait(false);
            WriteCopyUid(result, untagged: false, "COPY completed");
            await FlushAsync().ConfigureAwait(false);
            return;
        }

        // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGEs.
        WriteCopyUid(result, untagged: true, "Moved");
        var w = new ImapResponseWriter(_output);
        foreach (var uid in result.SourceUids)
        {
            var sequence = selected.RemoveOwnExpunge(uid);
            if (sequence > 0)
            {
                w.WriteUntaggedNumber((uint)sequence, "EXPUNGE"u8);
            }
        }

        w.Commit();
        await OkAsync("MOVE completed").ConfigureAwait(false);
    }

    private void WriteCopyUid(CopyResult result, bool untagged, string text)
    {
        var w = new ImapResponseWriter(_output);
        if (untagged)
        {
            w.WriteRaw("* OK [COPYUID "u8);
        }
        else
        {
            w.WriteRaw(TagBytes);
            w.WriteRaw(" OK [COPYUID "u8);
        }

        w.WriteNumber(result.UidValidity);
        w.WriteSpace();
        w.WriteSequenceSet(AsSpan(result.SourceUids));
        w.WriteSpace();
        w.WriteSequenceSet(AsSpan(result.TargetUids));
        w.WriteRaw("] "u8);
        w.WriteText(text);
        w.WriteCrlf();
        w.Commit();
    }

    // The stores hand back arrays; any other list is copied once (COPYUID is written once per command).
    private static ReadOnlySpan<uint> AsSpan(IReadOnlyList<uint> uids) => uids is uint[] array ? array : [.. uids];

    /// <summary>SEARCH / UID SEARCH (RFC 3501 §6.4.4, CONDSTORE MODSEQ RFC 7162 §3.1.5, ESEARCH RFC 4731).</summary>
    private async ValueTask SearchAsync(SearchCommand command)
    {
        if (command.Charset is { } charset && !charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 3501 §6.4.4: an unsupported charset gets NO [BADCHARSET (supported...)].
            throw new ImapNoException("BADCHARSET (UTF-8 US-ASCII)"u8, "Unsupported charset");
        }

        var selected = Selected;
        var usesModSeq = false;
        var key = ResolveSearchKey(command.Key, ref usesModSeq);
        if (usesModSeq)
        {
            EnableCondStore();
        }

        var found = await _server.Messages.SearchAsync(UserId, selected.Id, key).ConfigureAwait(false);

        // Only messages the client knows about have sequence numbers; the MODSEQ reported is the
        // highest among those returned (RFC 7162 §3.1.5), so unannounced matches stay out of it.
        var numbers = new List<uint>(found.Count);
        var numberOfUid = usesModSeq ? new Dictionary<uint, uint>(found.Count) : null;
        foreach (var uid in found)
        {
            var sequence = selected.SequenceOf(uid);
            if (sequence > 0)
            {
                var number = command.IsUid ? uid : (uint)sequence;
                numbers.Add(number);
                numberOfUid?.Add(uid, number);
            }
        }

        // The MODSEQ of every reported message, keyed by the number the response uses for it.
        Dictionary<uint, long>? modSeqs = null;
        if (numberOfUid is { Count: > 0 })
        {
            modSeqs = new Dictionary<uint, long>(numberOfUid.Count);
            await foreach (var message in _server.Messages.ListMessagesAsync(UserId, selected.Id, UidSet.FromUids(numberOfUid.Keys)).ConfigureAwait(false))
            {
                modSeqs[numberOfUid[message.Uid]] = message.ModSeq;
            }
        }

        numbers.Sort();
        var w = new ImapResponseWriter(_output);
        if (command.HasReturn)
        {
            WriteEsearch(ref w, command, numbers, EsearchModSeq(command.Return, numbers, modSeqs));
        }
        else
        {
            w.WriteRaw("* SEARCH"u8);
            foreach (var n in numbers)
            {
                w.WriteSpace();
                w.WriteNumber(n);
            }

            if (modSeqs is { Count: > 0 })
            {
                w.WriteRaw(" (MODSEQ "u8);
                w.WriteNumber((ulong)HighestOf(modSeqs.Values));
                w.WriteByte((byte)')');
            }

            w.WriteCrlf();
        }

        w.Commit();
        await OkAsync("SEARCH completed", allowExpunge: command.IsUid).ConfigureAwait(false);
    }

    /// <summary>
    /// The MODSEQ an ESEARCH response reports (RFC 4731 §3.2): when only MIN and/or MAX are returned, the mod-sequence
    /// of the message(s) returned; otherwise the highest mod-sequence of all matching messages. 0 when none applies.
    /// </summary>
    private static long EsearchModSeq(SearchReturnOptions options, List<uint> sortedNumbers, Dictionary<uint, long>? modSeqs)
    {
        if (modSeqs is null || sortedNumbers.Count == 0)
        {
            return 0;
        }

        if ((options & (SearchReturnOptions.All | SearchReturnOptions.Count)) != 0 || (options & (SearchReturnOptions.Min | SearchReturnOptions.Max)) == 0)
        {
            return HighestOf(modSeqs.Values);
        }

        long modSeq = 0;
        if ((options & SearchReturnOptions.Min) != 0)
        {
            modSeq = modSeqs.GetValueOrDefault(sortedNumbers[0]);
        }

        if ((options & SearchReturnOptions.Max) != 0)
        {
            modSeq = Math.Max(modSeq, modSeqs.GetValueOrDefault(sortedNumbers[^1]));
        }

        return modSeq;
    }

    private static long HighestOf(IEnumerable<long> values)
    {
        long highest = 0;
        foreach (var value in values)
        {
            highest = Math.Max(highest, value);
        }

        return highest;
    }

    private void WriteEsearch(ref ImapResponseWriter w, SearchCommand command, List<uint> numbers, long modSeq)
    {
        // RFC 4731 §3.1: * ESEARCH (TAG "t") [UID] MIN n MAX n COUNT n ALL set
        w.WriteRaw("* ESEARCH (TAG "u8);
        w.WriteQuoted(TagBytes);
        w.WriteByte((byte)')');
        if (command.IsUid)
        {
            w.WriteRaw(" UID"u8);
        }

        var options = command.Return == SearchReturnOptions.None ? SearchReturnOptions.All : command.Return;
        if (numbers.Count > 0)
        {
            if ((options & SearchReturnOptions.Min) != 0)
            {
                w.WriteRaw(" MIN "u8);
                w.WriteNumber(numbers[0]);
            }

            if ((options & SearchReturnOptions.Max) != 0)
            {
                w.WriteRaw(" MAX "u8);
                w.WriteNumber(numbers[^1]);
            }
        }

        if ((options & SearchReturnOptions.Count) != 0)
        {
            w.WriteRaw(" COUNT "u8);
            w.WriteNumber((uint)numbers.Count);
        }

        if ((options & SearchReturnOptions.All) != 0 && numbers.Count > 0)
        {
            w.WriteRaw(" ALL "u8);
            w.WriteSequenceSet(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(numbers));
        }

        if (modSeq > 0)
        {
            w.WriteRaw(" MODSEQ "u8);
            w.WriteNumber((ulong)modSeq);
        }

        w.WriteCrlf();
    }

    /// <summary>Replaces the IMAP-level sequence-set keys with UID keys against this session's view.</summary>
    private SearchKey ResolveSearchKey(SearchKey key, ref bool usesModSeq)
    {
        switch (key)
        {
            case SequenceSetKey set:
                Selected.TryResolve(set.Set, set.IsUid, lenient: true, out var resolved);
                return new UidKey(resolved);
            case AndKey and:
                var keys = new SearchKey[and.Keys.Count];
                for (var i = 0; i < keys.Length; i++)
                {
                    keys[i] = ResolveSearchKey(and.Keys[i], ref usesModSeq);
                }

                return new AndKey(keys);
            case OrKey or:
                return new OrKey(ResolveSearchKey(or.Left, ref usesModSeq), ResolveSearchKey(or.Right, ref usesModSeq));
            case NotKey not:
                return new NotKey(ResolveSearchKey(not.Key, ref usesModSeq));
            case ModSeqKey:
                usesModSeq = true;
                return key;
            default:
                return key;
        }
    }
}
