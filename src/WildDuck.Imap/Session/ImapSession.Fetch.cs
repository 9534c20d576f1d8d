// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading.Tasks;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;
using WildDuck.Storage.Mime;

namespace WildDuck.Imap.Session;

/// <content>FETCH / UID FETCH (RFC 3501 §6.4.5, §7.4.2; BINARY RFC 3516; CONDSTORE RFC 7162).</content>
internal sealed partial class ImapSession
{
    /// <summary>Flush after this many buffered bytes, so slow clients push back on big FETCHes.</summary>
    private const int FetchFlushThreshold = 64 * 1024;

    private async ValueTask FetchAsync(FetchCommand command)
    {
        var selected = Selected;
        var uids = Resolve(command.Set, command.IsUid);
        var changedSince = command.ChangedSince is { } cs ? (long)System.Math.Min(cs, long.MaxValue) : (long?)null;
        if (changedSince is not null)
        {
            EnableCondStore();
        }

        var fields = MessageFields.Basic;
        var hasUid = false;
        var hasFlags = false;
        var hasModSeq = false;
        var setsSeen = false;
        List<FetchItem>? sections = null;
        foreach (var item in command.Items)
        {
            switch (item.Kind)
            {
                case FetchItemKind.Envelope:
                    fields |= MessageFields.Envelope;
                    break;
                case FetchItemKind.BodyStructure or FetchItemKind.Body:
                    fields |= MessageFields.Structure;
                    break;
                case FetchItemKind.Uid:
                    hasUid = true;
                    break;
                case FetchItemKind.Flags:
                    hasFlags = true;
                    break;
                case FetchItemKind.ModSeq:
                    hasModSeq = true;
                    EnableCondStore();
                    break;
                case FetchItemKind.BodySection or FetchItemKind.BinarySection or FetchItemKind.BinarySize
                    or FetchItemKind.Rfc822 or FetchItemKind.Rfc822Header or FetchItemKind.Rfc822Text:
                    (sections ??= new List<FetchItem>()).Add(item);
                    setsSeen |= item.SetsSeen;
                    break;
            }
        }

        // RFC 3501 §6.4.5: fetching a body section without .PEEK sets \Seen (not in a read-only
        // mailbox); the new flags are then reported with the message.
        Dictionary<uint, FlagChange>? seen = null;
        if (setsSeen && !selected.ReadOnly && !uids.IsEmpty)
        {
            var update = await _server.Messages.UpdateFlagsAsync(UserId, selected.Id, uids, new FlagUpdate { Operation = FlagOperation.Add, Flags = MessageFlags.Seen }).ConfigureAwait(false);
            seen = new Dictionary<uint, FlagChange>(update.Updated.Count);
            foreach (var change in update.Updated)
            {
                seen[change.Uid] = change;
                selected.NoteReported(change.Uid, change.ModSeq);
            }
        }

        var unknownTransferEncoding = false;
        if (sections is not null)
        {
            // Read the content in the listing pass (batched), not with one query per message.
            fields |= MessageFields.Content;
        }

        // Changes of other sessions already signalled are read first: a message whose state this
        // FETCH reports then also reports its flags, and their older journal entries are not sent
        // after it (RFC 7162 §3.1.3: a message's MODSEQ never goes down).
        await ReadJournalAsync(selected, force: false).ConfigureAwait(false);
        var writesModSeq = hasModSeq || changedSince is not null;
        var returned = 0;
        await foreach (var message in _server.Messages.ListMessagesAsync(UserId, selected.Id, uids, fields).ConfigureAwait(false))
        {
            var sequence = selected.SequenceOf(message.Uid);
            if (sequence > 0)
            {
                returned++;
            }

            if (sequence == 0 || (changedSince is { } since && message.ModSeq <= since))
            {
                message.Content?.Dispose();
                continue;
            }

            var flags = message.Flags;
            var keywords = message.Keywords;
            var modSeq = message.ModSeq;
            var flagsChanged = false;
            if (seen is not null && seen.TryGetValue(message.Uid, out var change))
            {
                // RFC 3501 §6.4.5: when the implicit \Seen changes the flags they SHOULD be returned.
                // The message is read after the update, so its flags already include \Seen and
                // cannot be compared; a message the update touched reports its flags.
                flagsChanged = true;
                if (change.ModSeq > modSeq)
                {
                    flags = change.Flags;
                    keywords = change.Keywords;
                    modSeq = change.ModSeq;
                }
            }

            // FLAGS may be sent unasked (RFC 3501 §7.4.2): with MODSEQ, an unreported change by
            // another session up to this state is included rather than sent after it.
            var writeFlags = hasFlags || flagsChanged || (writesModSeq && selected.HasUnreportedFlagChange(message.Uid, modSeq + 1));
            if (writeFlags)
            {
                selected.NoteReported(message.Uid, modSeq);
            }

            var w = new ImapResponseWriter(_output);
            if (writeFlags && selected.LearnNewKeywords(keywords))
            {
                // RFC 3501 §7.2.6: FLAGS and PERMANENTFLAGS announce a keyword (defined by another
                // session) before any response uses it, this FETCH's own responses included.
                WriteFlagLists(ref w, selected);
            }

            w.BeginFetch((uint)sequence);
            var itemsBefore = false;

            // RFC 3501 §6.4.8: UID FETCH always returns UID; RFC 7162 §3.1: so does a FETCH that
            // implicitly set \Seen once CONDSTORE is enabled.
            if (hasUid || command.IsUid || (flagsChanged && _condStore))
            {
                w.WriteFetchUid(message.Uid);
                itemsBefore = true;
            }

            if (writeFlags)
            {
                w.WriteFetchFlags(flags, keywords);
                itemsBefore = true;
            }

            foreach (var item in command.Items)
            {
                switch (item.Kind)
                {
                    case FetchItemKind.InternalDate:
                        w.BeginFetchItem(item.ResponseName);
                        w.WriteDateTime(message.InternalDate);
                        itemsBefore = true;
                        break;
                    case FetchItemKind.Rfc822Size:
                        w.BeginFetchItem(item.ResponseName);
                        w.WriteNumber((ulong)message.Size);
                        itemsBefore = true;
                        break;
                    case FetchItemKind.Envelope:
                        w.BeginFetchItem(item.ResponseName);
                        w.WriteRaw(message.Envelope);
                        itemsBefore = true;
                        break;
                    case FetchItemKind.BodyStructure:
                        w.BeginFetchItem(item.ResponseName);
                        w.WriteRaw(message.BodyStructure);
                        itemsBefore = true;
                        break;
                    case FetchItemKind.Body:
                        w.BeginFetchItem(item.ResponseName);
                        w.WriteRaw(message.Body);
                        itemsBefore = true;
                        break;
                }
            }

            // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ in every response.
            if (hasModSeq || changedSince is not null || (flagsChanged && _condStore))
            {
                w.WriteFetchModSeq((ulong)modSeq);
                itemsBefore = true;
            }

            // The writer counts items to place separators; a fresh writer after an await does not
            // know what came before, so the first section item writes its own separator.
            w.Commit();
            if (sections is not null)
            {
                // The response is open until its closing parenthesis: a failure while the content
                // streams cannot be answered with a tagged NO (see FailCommandAsync).
                _responseOpen = true;
                using var content = message.Content;
                unknownTransferEncoding |= await WriteSectionsAsync(content, sections, itemsBefore).ConfigureAwait(false);
            }

            var end = new ImapResponseWriter(_output);
            end.EndFetch();
            end.Commit();
            _responseOpen = false;
            if (_output.UnflushedBytes >= FetchFlushThreshold)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        if (unknownTransferEncoding)
        {
            // RFC 3516 §4.3: BINARY of a part whose encoding the server cannot decode.
            await CompleteAsync(ImapStatus.No, "UNKNOWN-CTE"u8.ToArray(), "Unknown Content-Transfer-Encoding", allowExpunge: command.IsUid).ConfigureAwait(false);
            return;
        }

        if (!command.IsUid && changedSince is null && returned < selected.CountKnown(uids))
        {
            // Messages the client still knows by sequence number were expunged by another session
            // (RFC 2180 §4.1.3): the others were returned; NO [EXPUNGEISSUED] tells the client to
            // NOOP (RFC 5530). UID FETCH ignores UIDs that no longer exist (RFC 3501 §6.4.8) and
            // answers OK, after the pending EXPUNGE (allowed after a UID command, §7.4.1).
            await CompleteAsync(ImapStatus.No, "EXPUNGEISSUED"u8.ToArray(), "Some of the requested messages no longer exist", allowExpunge: command.IsUid).ConfigureAwait(false);
            return;
        }

        // RFC 3501 §7.4.1: no EXPUNGE while answering a FETCH by sequence number.
        await OkAsync("FETCH completed", allowExpunge: command.IsUid).ConfigureAwait(false);
    }

    /// <summary>Writes the section items of one message, streaming literal bodies; true when a BINARY failed on its encoding.</summary>
    private async ValueTask<bool> WriteSectionsAsync(MessageContent? content, List<FetchItem> items, bool itemsBefore)
    {
        var unknown = false;
        foreach (var item in items)
        {
            SectionContent? section = null;
            if (content is not null)
            {
                section = await content.ResolveSectionAsync(item.Section!).ConfigureAwait(false);
            }

            var w = new ImapResponseWriter(_output);
            if (itemsBefore)
            {
                w.WriteSpace();
            }

            itemsBefore = true;
            w.BeginFetchItem(item.ResponseName);
            if (section is null || section.Status == SectionStatus.UnknownTransferEncoding)
            {
                // The message was expunged meanwhile, or its encoding is unknown: NIL keeps the
                // response well-formed (RFC 3501 nstring).
                unknown |= section?.Status == SectionStatus.UnknownTransferEncoding;
                w.WriteNil();
                w.Commit();
                continue;
            }

            if (item.Kind == FetchItemKind.BinarySize)
            {
                w.WriteNumber((ulong)section.TotalLength);
                w.Commit();
                continue;
            }

            // BINARY content may hold NUL and bare CR/LF: literal8 (RFC 3516 §4.2).
            w.WriteLiteralHeader(section.Length, binary: item.Kind == FetchItemKind.BinarySection);
            w.Commit();
            await section.WriteToAsync(_output).ConfigureAwait(false);
        }

        return unknown;
    }
}
