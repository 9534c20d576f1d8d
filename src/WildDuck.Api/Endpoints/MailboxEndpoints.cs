// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Storage;

namespace WildDuck.Api.Endpoints;

/// <summary>Mailboxes (reference §8.3 "Mailboxes").</summary>
internal static class MailboxEndpoints
{
    /// <summary>Reference §2.10 step 2: the mailbox's own switch, effective while the user has a pubKey.</summary>
    private static readonly FieldSpec EncryptMessagesField =
        new("encryptMessages", FieldType.Boolean, "Store mail added to this mailbox encrypted to the user's pubKey (even when the user's encryptMessages is off)");

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users/{user}/mailboxes", "listMailboxes", "Mailboxes", "Lists the user's mailboxes", RouteAccess.UserData, ListAsync)
        {
            Query = new FieldSpec[]
            {
                new("specialUse", FieldType.Boolean, "Only mailboxes with a special use"),
                new("showHidden", FieldType.Boolean, "Include hidden mailboxes"),
                new("counters", FieldType.Boolean, "Include total and unseen counts"),
                new("sizes", FieldType.Boolean, "Include the size of each mailbox in bytes"),
            },
        };

        yield return new ApiRoute("POST", "/users/{user}/mailboxes", "createMailbox", "Mailboxes", "Creates a mailbox", RouteAccess.UserData, CreateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("path", FieldType.String, "Path with / as the separator") { Required = true, MaxLength = 1024 },
                new("hidden", FieldType.Boolean, "Hide from IMAP listings"),
                new("subscribed", FieldType.Boolean, "Subscribed (default true)"),
                new("retention", FieldType.Integer, "Retention of new messages in ms (0 = the user's default)") { Min = 0, Max = 100L * 365 * 24 * 3600 * 1000 },
                EncryptMessagesField,
            },
        };

        yield return new ApiRoute("GET", "/users/{user}/mailboxes/{mailbox}", "getMailbox", "Mailboxes", "Gets a mailbox; {mailbox} may be \"resolve\" with ?path=", RouteAccess.UserData, GetAsync)
        {
            Query = new FieldSpec[] { new("path", FieldType.String, "The path, when {mailbox} is \"resolve\"") { MaxLength = 1024 } },
        };

        yield return new ApiRoute("PUT", "/users/{user}/mailboxes/{mailbox}", "updateMailbox", "Mailboxes", "Renames a mailbox (with its children) or changes its subscription", RouteAccess.UserData, UpdateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[]
            {
                new("path", FieldType.String, "New path (INBOX cannot be renamed)") { MinLength = 1, MaxLength = 1024 },
                new("subscribed", FieldType.Boolean, "Subscribed"),
                EncryptMessagesField,
            },
        };

        yield return new ApiRoute("DELETE", "/users/{user}/mailboxes/{mailbox}", "deleteMailbox", "Mailboxes", "Deletes a mailbox with its messages (not INBOX or a special-use mailbox)", RouteAccess.UserData, DeleteAsync);
    }

    public static string SpecialUseName(SpecialUse use) => use switch
    {
        SpecialUse.None => string.Empty,
        _ => "\\" + use.ToString(),
    };

    private static JsonObject Describe(MailboxRecord mailbox, bool counters, bool sizes)
    {
        int slash = mailbox.Path.LastIndexOf('/');
        var body = new JsonObject
        {
            ["id"] = mailbox.Id.ToString(),
            ["name"] = slash < 0 ? mailbox.Path : mailbox.Path[(slash + 1)..],
            ["path"] = mailbox.Path,
            ["specialUse"] = mailbox.SpecialUse == SpecialUse.None ? null : SpecialUseName(mailbox.SpecialUse),
            ["modifyIndex"] = mailbox.HighestModSeq,
            ["subscribed"] = mailbox.Subscribed,
            ["hidden"] = mailbox.Hidden,
            ["encryptMessages"] = mailbox.EncryptMessages,
            ["uidValidity"] = mailbox.UidValidity,
            ["uidNext"] = mailbox.UidNext,
        };
        if (mailbox.Retention is { } retention)
        {
            body["retention"] = (long)retention.TotalMilliseconds;
        }

        if (counters)
        {
            body["total"] = mailbox.MessageCount;
            body["unseen"] = mailbox.UnseenCount;
        }

        if (sizes)
        {
            body["size"] = mailbox.TotalSize;
        }

        return body;
    }

    private static async Task ListAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        bool specialOnly = call.Input.Flag("specialUse");
        bool showHidden = call.Input.Flag("showHidden");
        bool counters = call.Input.Flag("counters");
        bool sizes = call.Input.Flag("sizes");
        var results = new JsonArray();
        foreach (var mailbox in await call.Services.Mailboxes.ListMailboxesAsync(user.Id, call.Aborted).ConfigureAwait(false))
        {
            if ((mailbox.Hidden && !showHidden) || (specialOnly && mailbox.SpecialUse == SpecialUse.None && !IsInbox(mailbox)))
            {
                continue;
            }

            results.Add((JsonNode?)Describe(mailbox, counters, sizes));
        }

        await call.OkAsync(new JsonObject { ["results"] = results }).ConfigureAwait(false);
    }

    private static ApiException? PathErrors(StorageError error) => error switch
    {
        StorageError.AlreadyExists => new ApiException(409, "MailboxExistsError", "Mailbox already exists"),
        StorageError.Invalid => ApiException.Validation("path", "is not a valid mailbox path"),
        StorageError.Limit => new ApiException(403, "TooMany", "Too many mailboxes"),
        _ => null,
    };

    private static bool IsInbox(MailboxRecord mailbox) => string.Equals(mailbox.Path, "INBOX", StringComparison.OrdinalIgnoreCase);

    private static async Task CreateAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var options = new CreateMailboxOptions
        {
            Hidden = call.Input.Flag("hidden"),
            Subscribed = call.Input.Boolean("subscribed") ?? true,
            Retention = call.Input.Integer("retention") is { } ms and > 0 ? TimeSpan.FromMilliseconds(ms) : null,
            EncryptMessages = call.Input.Flag("encryptMessages"),
        };
        var mailbox = await StorageCalls.MapAsync(
            () => call.Services.Mailboxes.CreateMailboxAsync(user.Id, call.Input.String("path")!, options, call.Aborted),
            PathErrors).ConfigureAwait(false);
        await call.OkAsync(new JsonObject { ["id"] = mailbox.Id.ToString() }).ConfigureAwait(false);
    }

    private static async Task GetAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        MailboxRecord mailbox;
        if (call.Route("mailbox") == "resolve")
        {
            var path = call.Input.String("path") ?? throw ApiException.Validation("path", "is required with resolve");
            mailbox = await call.Services.Mailboxes.FindMailboxAsync(user.Id, path, call.Aborted).ConfigureAwait(false) ?? throw ApiException.MailboxNotFound();
        }
        else
        {
            if (call.Input.Has("path"))
            {
                throw ApiException.Validation("path", "is only allowed with resolve");
            }

            mailbox = await call.MailboxAsync(user).ConfigureAwait(false);
        }

        await call.OkAsync(Describe(mailbox, counters: true, sizes: true)).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var mailbox = await call.MailboxAsync(user).ConfigureAwait(false);
        if (call.Input.String("path") is { } path && path != mailbox.Path)
        {
            if (IsInbox(mailbox))
            {
                throw new ApiException(400, "DisallowedMailboxMethod", "INBOX can not be renamed");
            }

            await StorageCalls.MapAsync(() => call.Services.Mailboxes.RenameMailboxAsync(user.Id, mailbox.Id, path, call.Aborted), PathErrors).ConfigureAwait(false);
        }

        if (call.Input.Boolean("subscribed") is { } subscribed)
        {
            await call.Services.Mailboxes.SetSubscribedAsync(user.Id, mailbox.Id, subscribed, call.Aborted).ConfigureAwait(false);
        }

        if (call.Input.Boolean("encryptMessages") is { } encrypt)
        {
            await StorageCalls.MapAsync(
                () => call.Services.Mailboxes.SetEncryptMessagesAsync(user.Id, mailbox.Id, encrypt, call.Aborted),
                static error => error == StorageError.NotFound ? ApiException.MailboxNotFound() : null).ConfigureAwait(false);
        }

        await call.OkAsync().ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var mailbox = await call.MailboxAsync(user).ConfigureAwait(false);
        if (IsInbox(mailbox) || mailbox.SpecialUse != SpecialUse.None)
        {
            throw new ApiException(400, "DisallowedMailboxMethod", "Special use or INBOX folders can not be deleted");
        }

        await StorageCalls.MapAsync(
            () => call.Services.Mailboxes.DeleteMailboxAsync(user.Id, mailbox.Id, call.Aborted),
            static error => error == StorageError.NotFound ? ApiException.MailboxNotFound() : null).ConfigureAwait(false);
        await call.OkAsync().ConfigureAwait(false);
    }
}
