// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;
using WildDuck.Storage.Search;

namespace WildDuck.Api.Endpoints;

/// <summary><c>GET /users/:user/search</c> with WildDuck's flat parameters and the <c>q</c> language (reference §8.5).</summary>
internal static class SearchEndpoints
{
    private const string SearchCursor = "search";

    // WildDuck's `or {query, from, to, subject}` (reference §8.5), in the query string as qs and
    // restify encode an object: or[from]=…
    private const string OrQuery = "or[query]";
    private const string OrFrom = "or[from]";
    private const string OrTo = "or[to]";
    private const string OrSubject = "or[subject]";

    /// <summary>The search parameters of GET and POST (query string).</summary>
    private static readonly FieldSpec[] SearchFields =
    {
        new("mailbox", FieldType.String, "Only this mailbox (id); default every mailbox") { MaxLength = 24 },
        new("searchable", FieldType.Boolean, "Without mailbox: leave out Junk and Trash"),
        new("q", FieldType.String, "Gmail-like query: from: to: cc: bcc: subject: has:attachment is: in: larger: smaller: before: after: since: thread:, \"phrases\", -negation, OR, (groups); other words are text") { MinLength = 1, MaxLength = 1024 },
        new("thread", FieldType.String, "Only messages of this thread (id)") { MaxLength = 24 },
        new("id", FieldType.String, "Only these UIDs of the mailbox given by mailbox or in: (1,2,3 or 3:15 or 3:*)") { MinLength = 1, MaxLength = 1024 },
        new("attachments", FieldType.Boolean, "true: only messages with attachments; false: only without"),
        new("query", FieldType.String, "Text anywhere in the headers or body (substring)") { MinLength = 1, MaxLength = 256 },
        new("from", FieldType.String, "Substring of From") { MinLength = 1, MaxLength = 256 },
        new("to", FieldType.String, "Substring of To or Cc") { MinLength = 1, MaxLength = 256 },
        new("subject", FieldType.String, "Substring of Subject") { MinLength = 1, MaxLength = 256 },
        new("unseen", FieldType.Boolean, "true: only unseen; false: only seen"),
        new("flagged", FieldType.Boolean, "true: only flagged; false: only unflagged"),
        new("minSize", FieldType.Integer, "Smallest size in bytes") { Min = 0 },
        new("maxSize", FieldType.Integer, "Largest size in bytes") { Min = 0 },
        new("datestart", FieldType.String, "Received on or after this date (YYYY-MM-DD)") { MaxLength = 10 },
        new("dateend", FieldType.String, "Received before this date (YYYY-MM-DD)") { MaxLength = 10 },
        new(OrQuery, FieldType.String, "Either of the or[…] conditions: text anywhere") { MinLength = 1, MaxLength = 256 },
        new(OrFrom, FieldType.String, "Either of the or[…] conditions: substring of From") { MinLength = 1, MaxLength = 256 },
        new(OrTo, FieldType.String, "Either of the or[…] conditions: substring of To or Cc") { MinLength = 1, MaxLength = 256 },
        new(OrSubject, FieldType.String, "Either of the or[…] conditions: substring of Subject") { MinLength = 1, MaxLength = 256 },
    };

    /// <summary>WildDuck's <c>action</c> of <c>POST /users/:user/search</c> (reference §8.3).</summary>
    private static readonly FieldSpec[] ActionFields =
    {
        new("moveTo", FieldType.String, "Id of a mailbox of the user to move the matches to") { MaxLength = 24 },
        new("seen", FieldType.Boolean, "Set (true) or clear (false) \\Seen"),
        new("flagged", FieldType.Boolean, "Set (true) or clear (false) \\Flagged"),
    };

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users/{user}/search", "searchMessages", "Messages",
            "Searches messages in one mailbox or all; newest UID first within each mailbox", RouteAccess.UserData, SearchAsync)
        {
            Paged = true,
            Query = SearchFields,
        };

        yield return new ApiRoute("POST", "/users/{user}/search", "searchApplyMessages", "Messages",
            "Applies an action (move, seen, flagged) to every message the search matches, in this request", RouteAccess.UserData, ApplyAsync)
        {
            BodyKind = BodyKind.Json,
            Query = SearchFields,
            Body = new FieldSpec[]
            {
                new("action", FieldType.Object, "What to do with every match: moveTo (mailbox id), seen, flagged") { Required = true, Fields = ActionFields },
            },
        };
    }

    private static SearchKey BuildQuery(ApiInput input, SearchQuery? parsed)
    {
        var keys = new List<SearchKey>();
        if (parsed is not null && parsed.Key is not AllKey)
        {
            keys.Add(parsed.Key);
        }

        if (input.String("thread") is { } thread)
        {
            keys.Add(new ThreadKey(EntityId.TryParse(thread, out var id) ? id : throw ApiException.Validation("thread", "must be a thread id")));
        }

        if (input.Boolean("attachments") is { } attachments)
        {
            keys.Add(new AttachmentKey(attachments));
        }

        if (input.String("query") is { } text)
        {
            keys.Add(new TextKey(text, IncludeHeaders: true));
        }

        if (input.String("from") is { } from)
        {
            keys.Add(new HeaderKey(AddressField.From, from));
        }

        if (input.String("to") is { } to)
        {
            keys.Add(new OrKey(new HeaderKey(AddressField.To, to), new HeaderKey(AddressField.Cc, to)));
        }

        if (input.String("subject") is { } subject)
        {
            keys.Add(new HeaderKey(AddressField.Subject, subject));
        }

        if (input.Boolean("unseen") is { } unseen)
        {
            keys.Add(new FlagKey(MessageFlags.Seen, !unseen));
        }

        if (input.Boolean("flagged") is { } flagged)
        {
            keys.Add(new FlagKey(MessageFlags.Flagged, flagged));
        }

        if (BuildAlternatives(input) is { } alternatives)
        {
            keys.Add(alternatives);
        }

        if (input.Integer("minSize") is { } min && min > 0)
        {
            keys.Add(new SizeKey(min - 1, Larger: true));
        }

        if (input.Integer("maxSize") is { } max)
        {
            keys.Add(new SizeKey(max + 1, Larger: false));
        }

        if (input.String("datestart") is { } start)
        {
            keys.Add(new DateKey(DateField.Internal, DateComparison.Since, ParseDate(start, "datestart")));
        }

        if (input.String("dateend") is { } end)
        {
            keys.Add(new DateKey(DateField.Internal, DateComparison.Before, ParseDate(end, "dateend")));
        }

        return keys.Count switch
        {
            0 => AllKey.Instance,
            1 => keys[0],
            _ => new AndKey(keys),
        };
    }

    /// <summary>The <c>or[…]</c> conditions ORed together, or null when none is given.</summary>
    private static SearchKey? BuildAlternatives(ApiInput input)
    {
        SearchKey? any = null;
        void Add(SearchKey key) => any = any is null ? key : new OrKey(any, key);

        if (input.String(OrQuery) is { } text)
        {
            Add(new TextKey(text, IncludeHeaders: true));
        }

        if (input.String(OrFrom) is { } from)
        {
            Add(new HeaderKey(AddressField.From, from));
        }

        if (input.String(OrTo) is { } to)
        {
            Add(new OrKey(new HeaderKey(AddressField.To, to), new HeaderKey(AddressField.Cc, to)));
        }

        if (input.String(OrSubject) is { } subject)
        {
            Add(new HeaderKey(AddressField.Subject, subject));
        }

        return any;
    }

    /// <summary>
    /// The mailbox of <c>in:</c> (reference §8.5): a mailbox id, a special-use name (Inbox, Sent,
    /// Drafts, Trash, Junk or Spam, Archive; any case) or a path. 404 when there is none.
    /// </summary>
    private static async Task<MailboxRecord> ResolveInAsync(ApiCall call, UserRecord user, string value)
    {
        if (MailboxId.TryParse(value, out var id))
        {
            return await call.Services.Mailboxes.GetMailboxAsync(user.Id, id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound();
        }

        SpecialUse use = value.ToLowerInvariant() switch
        {
            "sent" => SpecialUse.Sent,
            "drafts" => SpecialUse.Drafts,
            "trash" => SpecialUse.Trash,
            "junk" or "spam" => SpecialUse.Junk,
            "archive" => SpecialUse.Archive,
            _ => SpecialUse.None,
        };
        if (use != SpecialUse.None && await call.Services.Mailboxes.FindSpecialUseAsync(user.Id, use, call.Aborted).ConfigureAwait(false) is { } special)
        {
            return special;
        }

        // "INBOX" is case-insensitive (RFC 3501 §5.1); other paths are not.
        var path = string.Equals(value, "INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : value;
        return await call.Services.Mailboxes.FindMailboxAsync(user.Id, path, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound();
    }

    private static DateOnly ParseDate(string text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw ApiException.Validation(field, "must be a date (YYYY-MM-DD)");

    /// <summary>
    /// A result's position: mailbox id, then the UID zero-padded and inverted so that ordinal order
    /// is "mailboxes by id, newest UID first" and a cursor can be compared without a lookup.
    /// </summary>
    private static string Key(MailboxRecord mailbox, uint uid) =>
        mailbox.Id.ToString() + ":" + (uint.MaxValue - uid).ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>
    /// Every match of the search parameters (GET and POST share them), in no particular order. With
    /// <paramref name="limit"/>, stops with 400 <c>TooManyMatches</c> as soon as there are more.
    /// </summary>
    private static async Task<List<(MailboxRecord Mailbox, uint Uid)>> FindMatchesAsync(ApiCall call, UserRecord user, int limit = int.MaxValue)
    {
        SearchQuery? parsed = null;
        if (call.Input.String("q") is { } q)
        {
            try
            {
                parsed = SearchQueryParser.Parse(q);
            }
            catch (SearchQueryException ex)
            {
                throw ApiException.Validation("q", ex.Message);
            }
        }

        var query = BuildQuery(call.Input, parsed);
        if (call.Input.String("id") is { } idText)
        {
            // A UID set only means something within one mailbox.
            if (!call.Input.Has("mailbox") && parsed?.Mailbox is null)
            {
                throw ApiException.Validation("id", "needs a mailbox (the mailbox parameter or in: in q)");
            }

            var uids = new UidKey(MessageEndpoints.ParseMessageSet(idText, out _, "id"));
            query = query is AllKey ? uids : new AndKey(new SearchKey[] { uids, query });
        }

        IReadOnlyList<MailboxRecord> mailboxes;
        if (parsed?.Mailbox is { } inMailbox)
        {
            if (call.Input.Has("mailbox"))
            {
                throw ApiException.Validation("q", "in: cannot be combined with the mailbox parameter");
            }

            mailboxes = new[] { await ResolveInAsync(call, user, inMailbox).ConfigureAwait(false) };
        }
        else if (call.Input.String("mailbox") is { } mailboxText)
        {
            if (!MailboxId.TryParse(mailboxText, out var id))
            {
                throw ApiException.Validation("mailbox", "must be a mailbox id");
            }

            mailboxes = new[] { await call.Services.Mailboxes.GetMailboxAsync(user.Id, id, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound() };
        }
        else
        {
            var all = new List<MailboxRecord>();
            bool searchable = call.Input.Flag("searchable");
            foreach (var mailbox in await call.Services.Mailboxes.ListMailboxesAsync(user.Id, call.Aborted).ConfigureAwait(false))
            {
                if (!searchable || mailbox.SpecialUse is not (SpecialUse.Junk or SpecialUse.Trash))
                {
                    all.Add(mailbox);
                }
            }

            mailboxes = all;
        }

        var matches = new List<(MailboxRecord Mailbox, uint Uid)>();
        foreach (var mailbox in mailboxes)
        {
            foreach (var uid in await call.Services.Messages.SearchAsync(user.Id, mailbox.Id, query, call.Aborted).ConfigureAwait(false))
            {
                matches.Add((mailbox, uid));
            }

            if (matches.Count > limit)
            {
                throw ApiException.TooManyMatches(limit, "narrow the search or run it again after this part is done");
            }
        }

        return matches;
    }

    /// <summary>Matches grouped by mailbox, UIDs in the order given.</summary>
    private static Dictionary<MailboxId, (MailboxRecord Mailbox, List<uint> Uids)>.ValueCollection ByMailbox(IEnumerable<(MailboxRecord Mailbox, uint Uid)> matches)
    {
        var groups = new Dictionary<MailboxId, (MailboxRecord Mailbox, List<uint> Uids)>();
        foreach (var (mailbox, uid) in matches)
        {
            if (!groups.TryGetValue(mailbox.Id, out var group))
            {
                group = (mailbox, new List<uint>());
                groups[mailbox.Id] = group;
            }

            group.Uids.Add(uid);
        }

        return groups.Values;
    }

    private static async Task SearchAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var matches = new List<(MailboxRecord Mailbox, uint Uid, string Key)>();
        foreach (var (mailbox, uid) in await FindMatchesAsync(call, user).ConfigureAwait(false))
        {
            matches.Add((mailbox, uid, Key(mailbox, uid)));
        }

        matches.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var page = Pager.Slice(matches, static m => m.Key, string.CompareOrdinal, SearchCursor, call);

        var results = new JsonArray();
        var items = new Dictionary<(MailboxId, uint), JsonObject>();
        foreach (var (mailbox, uids) in ByMailbox(page.Items.Select(static m => (m.Mailbox, m.Uid))))
        {
            foreach (var (uid, item) in await MessageEndpoints.ListItemsAsync(call, user, mailbox, uids).ConfigureAwait(false))
            {
                items[(mailbox.Id, uid)] = item;
            }
        }

        foreach (var match in page.Items)
        {
            if (items.Remove((match.Mailbox.Id, match.Uid), out var item))
            {
                results.Add((JsonNode)item);
            }
        }

        await call.OkAsync(Pager.Response(page, call, results)).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /users/:user/search</c>: the action on every match (all of them, not one page).
    /// WildDuck queues a background <c>search-apply</c> task (reference §8.3); here it runs in the
    /// request, bounded by <c>MaxSearchActionMatches</c> so one request's work stays bounded, and
    /// the answer tells what was done. Nothing is changed when the bound is exceeded.
    /// </summary>
    private static async Task ApplyAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var action = call.Input.Object("action")!;
        var (add, remove) = MessageEndpoints.FlagChanges(action);
        MailboxId? target = null;
        if (action.String("moveTo") is { } moveTo)
        {
            if (!MailboxId.TryParse(moveTo, out var id) || await call.Services.Mailboxes.GetMailboxAsync(user.Id, id, call.Aborted).ConfigureAwait(false) is null)
            {
                throw ApiException.Validation("action.moveTo", "must be the id of a mailbox of this user");
            }

            target = id;
        }

        if (add == MessageFlags.None && remove == MessageFlags.None && target is null)
        {
            throw ApiException.Validation("action", "must give moveTo, seen or flagged");
        }

        // An action without any criterion would act on the whole account, Trash, Junk, Sent and
        // Drafts included: almost surely a mistake, so at least one criterion (or a mailbox) is needed.
        var narrowed = false;
        foreach (var field in SearchFields)
        {
            narrowed |= field.Name != "searchable" && call.Input.Has(field.Name);
        }

        if (!narrowed)
        {
            throw ApiException.Validation("query", "an action needs at least one search criterion or a mailbox; it would otherwise act on every message of the account");
        }

        var matches = await FindMatchesAsync(call, user, call.Services.Options.MaxSearchActionMatches).ConfigureAwait(false);
        long updated = 0;
        foreach (var (mailbox, uids) in ByMailbox(matches))
        {
            // Matches already in the target mailbox stay there; only their flags change.
            var to = mailbox.Id == target ? null : target;
            if (to is null && add == MessageFlags.None && remove == MessageFlags.None)
            {
                continue;
            }

            uids.Sort();
            var result = await MessageEndpoints.ApplyUpdateAsync(call, user, mailbox, uids, add, remove, to).ConfigureAwait(false);
            updated += result["updated"]!.GetValue<int>();
        }

        await call.OkAsync(new JsonObject { ["matched"] = matches.Count, ["updated"] = updated }).ConfigureAwait(false);
    }
}
