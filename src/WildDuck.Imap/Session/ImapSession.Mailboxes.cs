// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using WildDuck.Imap.Mailboxes;
using WildDuck.Imap.Protocol;
using WildDuck.Storage;

namespace WildDuck.Imap.Session;

/// <content>SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, LIST, LSUB, STATUS, QUOTA.</content>
internal sealed partial class ImapSession
{
    private UserId UserId => _user!.Id;

    /// <summary>Finds a mailbox the client may see (hidden mailboxes do not exist over IMAP).</summary>
    private async ValueTask<MailboxRecord?> FindVisibleAsync(string path)
    {
        var mailbox = await _server.Mailboxes.FindMailboxAsync(UserId, path).ConfigureAwait(false);
        return mailbox is { Hidden: false } ? mailbox : null;
    }

    private async ValueTask<MailboxRecord> RequireMailboxAsync(string path, bool tryCreate = false)
    {
        return await FindVisibleAsync(path).ConfigureAwait(false)
            ?? throw new ImapNoException(tryCreate ? "TRYCREATE"u8 : "NONEXISTENT"u8, "Mailbox does not exist");
    }

    /// <summary>SELECT and EXAMINE (RFC 3501 §6.3.1–2, RFC 7162 §3.1.8 CONDSTORE parameter).</summary>
    private async ValueTask SelectAsync(SelectCommand command)
    {
        // RFC 3501 §6.3.1: a SELECT deselects first, even when it then fails.
        _selected = null;
        _state = ImapState.Authenticated;
        if (command.CondStore)
        {
            _condStore = true;
        }

        var mailbox = await RequireMailboxAsync(command.Mailbox).ConfigureAwait(false);
        var snapshot = await _server.Mailboxes.OpenAsync(UserId, mailbox.Id).ConfigureAwait(false)
            ?? throw new ImapNoException("NONEXISTENT"u8, "Mailbox does not exist");
        var selected = new SelectedMailbox(snapshot, command.ReadOnly);

        var w = new ImapResponseWriter(_output);
        WriteFlagLists(ref w, selected);
        w.WriteUntaggedPrefix();
        w.WriteNumber((uint)selected.Count);
        w.WriteRaw(" EXISTS\r\n"u8);

        // \Recent is not kept (see docs/imap.md); RFC 3501 clients still expect the line.
        w.WriteRaw("* 0 RECENT\r\n"u8);
        if (snapshot.FirstUnseenUid != 0)
        {
            w.WriteRaw("* OK [UNSEEN "u8);
            w.WriteNumber((uint)selected.SequenceOf(snapshot.FirstUnseenUid));
            w.WriteRaw("] First unseen\r\n"u8);
        }

        w.WriteRaw("* OK [UIDVALIDITY "u8);
        w.WriteNumber(snapshot.Mailbox.UidValidity);
        w.WriteRaw("] UIDs valid\r\n* OK [UIDNEXT "u8);
        w.WriteNumber(snapshot.Mailbox.UidNext);
        w.WriteRaw("] Predicted next UID\r\n* OK [HIGHESTMODSEQ "u8);

        // RFC 7162 §3.1.2.1: every SELECT/EXAMINE of a mailbox with persistent MODSEQs reports it.
        w.WriteNumber(snapshot.Mailbox.HighestModSeq);
        w.WriteRaw("] Highest\r\n"u8);
        w.WriteRaw(TagBytes);
        w.WriteRaw(command.ReadOnly ? " OK [READ-ONLY] EXAMINE completed\r\n"u8 : " OK [READ-WRITE] SELECT completed\r\n"u8);
        w.Commit();
        _selected = selected;
        _state = ImapState.Selected;
        await FlushAsync().ConfigureAwait(false);
    }

    private async ValueTask CreateAsync(CreateCommand command)
    {
        var path = command.Mailbox;

        // RFC 3501 §6.3.3: a trailing delimiter only declares the intent to create inferiors.
        if (path.EndsWith(MailboxPattern.Delimiter))
        {
            path = path.TrimEnd(MailboxPattern.Delimiter);
        }

        RequireListableName(path);
        if (path.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            throw new ImapNoException("ALREADYEXISTS"u8, "INBOX always exists");
        }

        var specialUse = SpecialUse.None;
        foreach (var use in command.SpecialUse)
        {
            var parsed = ParseSpecialUse(use);
            if (parsed == SpecialUse.None || specialUse != SpecialUse.None)
            {
                // RFC 6154 §3: USEATTR for an attribute the server cannot set.
                throw new ImapNoException("USEATTR"u8, "Unsupported special-use attribute");
            }

            specialUse = parsed;
        }

        // Not subscribed: SUBSCRIBE is the client's choice (as Dovecot; WildDuck subscribes on
        // CREATE). A name that is still subscribed from a deleted mailbox comes back subscribed.
        await _server.Mailboxes.CreateMailboxAsync(UserId, path, new CreateMailboxOptions { SpecialUse = specialUse, Subscribed = false }).ConfigureAwait(false);

        // After the mailbox itself, so a name storage refuses leaves nothing behind.
        await CreateSuperiorsAsync(path).ConfigureAwait(false);
        await OkAsync("CREATE completed").ConfigureAwait(false);
    }

    /// <summary>
    /// RFC 3501 §6.3.3: "the server SHOULD create any superior hierarchical names that are needed
    /// for the CREATE command to be successfully completed" (CREATE a/b/c creates a and a/b).
    /// </summary>
    private async ValueTask CreateSuperiorsAsync(string path)
    {
        for (var slash = path.IndexOf(MailboxPattern.Delimiter, StringComparison.Ordinal); slash > 0; slash = path.IndexOf(MailboxPattern.Delimiter, slash + 1))
        {
            var superior = path[..slash];
            if (await _server.Mailboxes.FindMailboxAsync(UserId, superior).ConfigureAwait(false) is not null)
            {
                continue;
            }

            try
            {
                await _server.Mailboxes.CreateMailboxAsync(UserId, superior, new CreateMailboxOptions { Subscribed = false }).ConfigureAwait(false);
            }
            catch (StorageException ex) when (ex.Error == StorageError.AlreadyExists)
            {
                // Created concurrently by another session: fine.
            }
        }
    }

    private async ValueTask DeleteAsync(DeleteCommand command)
    {
        var mailbox = await RequireMailboxAsync(command.Mailbox).ConfigureAwait(false);
        if (mailbox.Path == "INBOX")
        {
            throw new ImapNoException("CANNOT"u8, "INBOX cannot be deleted");
        }

        if (_selected?.Id == mailbox.Id)
        {
            throw new ImapNoException("INUSE"u8, "Close the mailbox before deleting it");
        }

        await _server.Mailboxes.DeleteMailboxAsync(UserId, mailbox.Id).ConfigureAwait(false);
        await OkAsync("DELETE completed").ConfigureAwait(false);
    }

    private async ValueTask RenameAsync(RenameCommand command)
    {
        var mailbox = await RequireMailboxAsync(command.From).ConfigureAwait(false);
        var target = command.To.TrimEnd(MailboxPattern.Delimiter);
        RequireListableName(target);
        var renamed = await _server.Mailboxes.RenameMailboxAsync(UserId, mailbox.Id, target).ConfigureAwait(false);
        if (_selected is { } selected && selected.Id == mailbox.Id && renamed.Id == mailbox.Id)
        {
            selected.Path = renamed.Path;
        }

        await OkAsync("RENAME completed").ConfigureAwait(false);
    }

    /// <summary>
    /// SUBSCRIBE and UNSUBSCRIBE (RFC 3501 §6.3.6–7). SUBSCRIBE needs an existing mailbox (the RFC
    /// lets the server check) unless the name is still subscribed; UNSUBSCRIBE also removes a name
    /// whose mailbox is gone, which is the only way to drop it (the subscription outlives the
    /// mailbox, RFC 3501 §6.3.6).
    /// </summary>
    private async ValueTask SubscribeAsync(string path, bool subscribe)
    {
        if (await FindVisibleAsync(path).ConfigureAwait(false) is { } mailbox)
        {
            await _server.Mailboxes.SetSubscribedAsync(UserId, mailbox.Id, subscribe).ConfigureAwait(false);
        }
        else if (subscribe)
        {
            var orphans = await _server.Mailboxes.ListOrphanSubscriptionsAsync(UserId).ConfigureAwait(false);
            // Stored names are NFC (INBOX, the only case-insensitive name, always exists).
            var name = path.Normalize(System.Text.NormalizationForm.FormC);
            if (!orphans.Any(orphan => string.Equals(orphan, name, StringComparison.Ordinal)))
            {
                throw new ImapNoException("NONEXISTENT"u8, "Mailbox does not exist");
            }
        }
        else if (!await _server.Mailboxes.RemoveOrphanSubscriptionAsync(UserId, path).ConfigureAwait(false))
        {
            throw new ImapNoException("NONEXISTENT"u8, "Not subscribed");
        }

        await OkAsync(subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed").ConfigureAwait(false);
    }

    /// <summary>LIST (RFC 3501 §6.3.8, LIST-EXTENDED RFC 5258, SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819).</summary>
    private async ValueTask ListAsync(ListCommand command)
    {
        if (command.Patterns.Count == 1 && command.Patterns[0].Length == 0 && command.Selection == ListSelectionOptions.None)
        {
            // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter and root.
            var d = new ImapResponseWriter(_output);
            d.WriteRaw("* LIST (\\Noselect) \"/\" \"\"\r\n"u8);
            d.Commit();
            await OkAsync("LIST completed").ConfigureAwait(false);
            return;
        }

        var patterns = new List<string>(command.Patterns.Count);
        foreach (var pattern in command.Patterns)
        {
            patterns.Add(MailboxPattern.Combine(command.Reference, pattern));
        }

        var extended = command.Selection != ListSelectionOptions.None || command.Return != ListReturnOptions.None || command.Patterns.Count > 1;
        var selection = new ListSelection
        {
            SubscribedOnly = (command.Selection & ListSelectionOptions.Subscribed) != 0,
            RecursiveMatch = (command.Selection & ListSelectionOptions.RecursiveMatch) != 0,
            SpecialUseOnly = (command.Selection & ListSelectionOptions.SpecialUse) != 0,
            ReturnSubscribed = (command.Return & ListReturnOptions.Subscribed) != 0,
            Extended = extended,
        };

        var mailboxes = await _server.Mailboxes.ListMailboxesAsync(UserId).ConfigureAwait(false);
        var orphans = selection.SubscribedOnly ? await _server.Mailboxes.ListOrphanSubscriptionsAsync(UserId).ConfigureAwait(false) : Array.Empty<string>();
        var entries = MailboxListing.Build(mailboxes, orphans, patterns, selection);
        var withStatus = (command.Return & ListReturnOptions.Status) != 0 && command.StatusItems != StatusItems.None;
        foreach (var entry in entries)
        {
            var w = new ImapResponseWriter(_output);
            WriteListLine(ref w, "LIST"u8, entry);
            if (withStatus && entry.Mailbox is { } box)
            {
                // RFC 5819: STATUS right after the LIST line of each selectable mailbox.
                WriteStatusLine(ref w, box, command.StatusItems);
            }

            w.Commit();
        }

        await OkAsync("LIST completed").ConfigureAwait(false);
    }

    private async ValueTask LsubAsync(LsubCommand command)
    {
        var mailboxes = await _server.Mailboxes.ListMailboxesAsync(UserId).ConfigureAwait(false);
        var orphans = await _server.Mailboxes.ListOrphanSubscriptionsAsync(UserId).ConfigureAwait(false);
        var entries = MailboxListing.Build(mailboxes, orphans, new[] { MailboxPattern.Combine(command.Reference, command.Pattern) }, new ListSelection { SubscribedOnly = true, Lsub = true });
        foreach (var entry in entries)
        {
            var w = new ImapResponseWriter(_output);
            WriteListLine(ref w, "LSUB"u8, entry);
            w.Commit();
        }

        await OkAsync("LSUB completed").ConfigureAwait(false);
    }

    private void WriteListLine(ref ImapResponseWriter w, ReadOnlySpan<byte> verb, ListEntry entry)
    {
        w.WriteUntaggedPrefix();
        w.WriteRaw(verb);
        w.WriteRaw(" ("u8);
        var first = true;
        void Attribute(ref ImapResponseWriter writer, ref bool isFirst, ReadOnlySpan<byte> name)
        {
            if (!isFirst)
            {
                writer.WriteSpace();
            }

            isFirst = false;
            writer.WriteRaw(name);
        }

        if ((entry.Attributes & ListAttributes.NonExistent) != 0)
        {
            Attribute(ref w, ref first, "\\NonExistent"u8);
        }

        if ((entry.Attributes & ListAttributes.NoSelect) != 0)
        {
            Attribute(ref w, ref first, "\\Noselect"u8);
        }

        if ((entry.Attributes & ListAttributes.HasChildren) != 0)
        {
            Attribute(ref w, ref first, "\\HasChildren"u8);
        }

        if ((entry.Attributes & ListAttributes.HasNoChildren) != 0)
        {
            Attribute(ref w, ref first, "\\HasNoChildren"u8);
        }

        if ((entry.Attributes & ListAttributes.Subscribed) != 0)
        {
            Attribute(ref w, ref first, "\\Subscribed"u8);
        }

        var use = SpecialUseName(entry.SpecialUse);
        if (!use.IsEmpty)
        {
            Attribute(ref w, ref first, use);
        }

        w.WriteRaw(") \"/\" "u8);
        w.WriteMailbox(entry.Path, _utf8Accept);
        if (entry.ChildInfoSubscribed)
        {
            w.WriteRaw(" (\"CHILDINFO\" (\"SUBSCRIBED\"))"u8);
        }

        w.WriteCrlf();
    }

    /// <summary>STATUS (RFC 3501 §6.3.10, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE, RFC 7889 APPENDLIMIT).</summary>
    private async ValueTask StatusAsync(StatusCommand command)
    {
        var mailbox = await RequireMailboxAsync(command.Mailbox).ConfigureAwait(false);
        if ((command.Items & StatusItems.HighestModSeq) != 0)
        {
            // RFC 7162 §3.1: asking for HIGHESTMODSEQ is a CONDSTORE-enabling command.
            _condStore = true;
        }

        var w = new ImapResponseWriter(_output);
        WriteStatusLine(ref w, mailbox, command.Items);
        w.Commit();
        await OkAsync("STATUS completed").ConfigureAwait(false);
    }

    private void WriteStatusLine(ref ImapResponseWriter w, MailboxRecord mailbox, StatusItems items)
    {
        w.WriteRaw("* STATUS "u8);
        w.WriteMailbox(mailbox.Path, _utf8Accept);
        w.WriteRaw(" ("u8);
        var first = true;
        void Item(ref ImapResponseWriter writer, ref bool isFirst, ReadOnlySpan<byte> name, ulong value)
        {
            if (!isFirst)
            {
                writer.WriteSpace();
            }

            isFirst = false;
            writer.WriteRaw(name);
            writer.WriteSpace();
            writer.WriteNumber(value);
        }

        if ((items & StatusItems.Messages) != 0)
        {
            Item(ref w, ref first, "MESSAGES"u8, (ulong)mailbox.MessageCount);
        }

        if ((items & StatusItems.Recent) != 0)
        {
            Item(ref w, ref first, "RECENT"u8, 0);
        }

        if ((items & StatusItems.UidNext) != 0)
        {
            Item(ref w, ref first, "UIDNEXT"u8, mailbox.UidNext);
        }

        if ((items & StatusItems.UidValidity) != 0)
        {
            Item(ref w, ref first, "UIDVALIDITY"u8, mailbox.UidValidity);
        }

        if ((items & StatusItems.Unseen) != 0)
        {
            Item(ref w, ref first, "UNSEEN"u8, (ulong)mailbox.UnseenCount);
        }

        if ((items & StatusItems.HighestModSeq) != 0)
        {
            Item(ref w, ref first, "HIGHESTMODSEQ"u8, (ulong)mailbox.HighestModSeq);
        }

        if ((items & StatusItems.Size) != 0)
        {
            Item(ref w, ref first, "SIZE"u8, (ulong)mailbox.TotalSize);
        }

        if ((items & StatusItems.AppendLimit) != 0)
        {
            Item(ref w, ref first, "APPENDLIMIT"u8, (ulong)_server.Options.AppendLimit);
        }

        w.WriteRaw(")\r\n"u8);
    }

    /// <summary>GETQUOTAROOT (RFC 9208 §4.3): one quota root, "", for the whole account.</summary>
    private async ValueTask GetQuotaRootAsync(GetQuotaRootCommand command)
    {
        var mailbox = await RequireMailboxAsync(command.Mailbox).ConfigureAwait(false);
        var w = new ImapResponseWriter(_output);
        w.WriteRaw("* QUOTAROOT "u8);
        w.WriteMailbox(mailbox.Path, _utf8Accept);
        w.WriteRaw(" \"\"\r\n"u8);
        w.Commit();
        await WriteQuotaAsync().ConfigureAwait(false);
        await OkAsync("GETQUOTAROOT completed").ConfigureAwait(false);
    }

    private async ValueTask GetQuotaAsync(GetQuotaCommand command)
    {
        if (command.Root.Length != 0)
        {
            throw new ImapNoException("NONEXISTENT"u8, "No such quota root");
        }

        await WriteQuotaAsync().ConfigureAwait(false);
        await OkAsync("GETQUOTA completed").ConfigureAwait(false);
    }

    /// <summary>
    /// Names with the LIST wildcards "*" or "%" could never be listed on their own (RFC 3501
    /// §6.3.8 treats them as wildcards in patterns), so they are refused.
    /// </summary>
    private static void RequireListableName(string path)
    {
        if (path.AsSpan().IndexOfAny('*', '%') >= 0)
        {
            throw new ImapNoException("CANNOT"u8, "Mailbox names cannot contain * or %");
        }
    }

    /// <summary>SETQUOTA is an administrative operation (RFC 9208 §4.1 allows refusing it).</summary>
    private static ValueTask SetQuotaAsync() => throw new ImapNoException("NOPERM"u8, "Quotas are set by the administrator");

    private async ValueTask WriteQuotaAsync()
    {
        var user = await _server.Users.GetUserAsync(UserId).ConfigureAwait(false) ?? throw new ImapNoException("UNAVAILABLE"u8, "The account is gone");
        var limit = user.Quota > 0 ? user.Quota : _server.WildDuck.Users.DefaultQuota;
        var w = new ImapResponseWriter(_output);

        // RFC 9208 §5.1: STORAGE is in units of 1024 octets, rounded up.
        w.WriteRaw("* QUOTA \"\" (STORAGE "u8);
        w.WriteNumber((ulong)((Math.Max(0, user.StorageUsed) + 1023) / 1024));
        w.WriteSpace();
        w.WriteNumber((ulong)((limit + 1023) / 1024));
        w.WriteRaw(")\r\n"u8);
        w.Commit();
    }

    private static SpecialUse ParseSpecialUse(string attribute) => attribute.ToUpperInvariant() switch
    {
        "\\SENT" => SpecialUse.Sent,
        "\\TRASH" => SpecialUse.Trash,
        "\\DRAFTS" => SpecialUse.Drafts,
        "\\JUNK" => SpecialUse.Junk,
        "\\ARCHIVE" => SpecialUse.Archive,
        _ => SpecialUse.None,
    };

    private static ReadOnlySpan<byte> SpecialUseName(SpecialUse use) => use switch
    {
        SpecialUse.Sent => "\\Sent"u8,
        SpecialUse.Trash => "\\Trash"u8,
        SpecialUse.Drafts => "\\Drafts"u8,
        SpecialUse.Junk => "\\Junk"u8,
        SpecialUse.Archive => "\\Archive"u8,
        SpecialUse.All => "\\All"u8,
        SpecialUse.Flagged => "\\Flagged"u8,
        _ => default,
    };
}
