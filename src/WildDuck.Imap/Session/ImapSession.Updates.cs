// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;

namespace WildDuck.Imap.Session;

internal sealed partial class ImapSession
{
    /// <summary>
    /// Reads the journal when a change was signalled and writes the untagged updates the client may
    /// receive now (RFC 3501 §7: before a tagged completion; RFC 3501 §7.4.1: no EXPUNGE while a
    /// FETCH, STORE or SEARCH by sequence number is answered).
    /// </summary>
    private async ValueTask WriteUpdatesAsync(bool allowExpunge)
    {
        var selected = _selected;
        if (selected is null || _user is null)
        {
            return;
        }

        await ReadJournalAsync(selected, force: false).ConfigureAwait(false);
        var updates = selected.Drain(allowExpunge);
        if (updates.Count > 0)
        {
            WriteMailboxUpdates(selected, updates);
        }
    }

    /// <summary>
    /// Reads the journal into the selected mailbox's pending updates when a change was signalled
    /// (or always, with <paramref name="force"/>), without writing anything.
    /// </summary>
    private async ValueTask ReadJournalAsync(SelectedMailbox selected, bool force)
    {
        if (_user is null)
        {
            return;
        }

        if (Interlocked.Exchange(ref _changed, 0) != 0 || force)
        {
            System.Collections.Generic.IReadOnlyList<JournalEntry> entries;
            try
            {
                entries = await _server.Journal.ReadSinceAsync(_user.Id, selected.Id, selected.HighestModSeq).ConfigureAwait(false);
            }
            catch (StorageException ex) when (ex.Error == StorageError.Unavailable)
            {
                // The command itself is done (perhaps committed): it must not fail for this. The
                // updates wait for the next command; nothing of the session's view has changed.
                Volatile.Write(ref _changed, 1);
                LogUpdatesDeferred(ex);
                entries = System.Array.Empty<JournalEntry>();
            }

            foreach (var entry in entries)
            {
                if (entry.Command == JournalCommand.Delete && entry.Mailbox == selected.Id)
                {
                    // The selected mailbox was deleted by another session: nothing sensible remains
                    // to show this client (WildDuck and Dovecot disconnect as well).
                    await ByeAsync("Selected mailbox was deleted").ConfigureAwait(false);
                    throw new ConnectionClosedException();
                }

                if (entry.Command == JournalCommand.Rename && entry.Path is { } path)
                {
                    selected.Path = path;
                }
            }

            selected.AddJournal(entries);
        }
    }

    private void WriteMailboxUpdates(SelectedMailbox selected, System.Collections.Generic.List<MailboxUpdate> updates)
    {
        var w = new ImapResponseWriter(_output);
        foreach (var update in updates)
        {
            switch (update.Kind)
            {
                case MailboxUpdateKind.Exists:
                    w.WriteUntaggedNumber(update.Number, "EXISTS"u8);
                    break;
                case MailboxUpdateKind.Expunge:
                    w.WriteUntaggedNumber(update.Number, "EXPUNGE"u8);
                    break;
                case MailboxUpdateKind.Flags:
                    // RFC 3501 §7.2.6: a new keyword changes the set of defined flags.
                    WriteFlagLists(ref w, selected);
                    break;
                default:
                    w.BeginFetch(update.Number);
                    w.WriteFetchUid(update.Uid);
                    w.WriteFetchFlags(update.Flags, update.Keywords);
                    if (_condStore)
                    {
                        // RFC 7162 §3.2: once CONDSTORE is enabled, unsolicited FETCH carries MODSEQ.
                        w.WriteFetchModSeq((ulong)update.ModSeq);
                    }

                    w.EndFetch();
                    break;
            }
        }

        w.Commit();
    }

    private static void WriteSystemFlagsAndKeywords(ref ImapResponseWriter w, string[] keywords)
    {
        w.WriteRaw("\\Answered \\Flagged \\Deleted \\Seen \\Draft"u8);
        foreach (var keyword in keywords)
        {
            w.WriteSpace();
            w.WriteText(keyword);
        }
    }

    /// <summary>Writes <c>* FLAGS (...)</c> and <c>* OK [PERMANENTFLAGS (...)]</c> for the selected mailbox.</summary>
    private static void WriteFlagLists(ref ImapResponseWriter w, SelectedMailbox selected)
    {
        var keywords = new string[selected.Keywords.Count];
        var i = 0;
        foreach (var k in selected.Keywords)
        {
            keywords[i++] = k;
        }

        System.Array.Sort(keywords, System.StringComparer.Ordinal);
        w.WriteRaw("* FLAGS ("u8);
        WriteSystemFlagsAndKeywords(ref w, keywords);
        w.WriteRaw(")\r\n* OK [PERMANENTFLAGS ("u8);
        if (!selected.ReadOnly)
        {
            WriteSystemFlagsAndKeywords(ref w, keywords);

            // "\\*": clients may create new keywords (RFC 3501 §7.1).
            w.WriteRaw(" \\*"u8);
        }

        w.WriteRaw(")"u8);

        w.WriteRaw("] Flags permitted\r\n"u8);
    }
}
