// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using WildDuck.Api.Internal;
using WildDuck.Api.Internal.TwoFactor;
using WildDuck.Storage;
using WildDuck.Storage.Addressing;
using WildDuck.Storage.Mime;
using WildDuck.Storage.Security;

namespace WildDuck.Api.Endpoints;

/// <summary>Users (reference §8.3 "Users").</summary>
internal static class UserEndpoints
{
    private const string UsersCursor = "users";

    private static readonly string[] Scopes = { "imap", "pop3", "smtp" };

    /// <summary>Most fromWhitelist entries of a user (bounds the check each submission makes).</summary>
    private const int MaxFromWhitelist = 100;

    private static readonly FieldSpec[] ProfileFields =
    {
        new("name", FieldType.String, "Display name") { MaxLength = 256 },
        new("language", FieldType.String, "Language code for default folder names") { MaxLength = 20 },
        new("retention", FieldType.Integer, "Default retention for new mailboxes in ms (0 = none)") { Min = 0, Max = 100L * 365 * 24 * 3600 * 1000 },
        new("spamLevel", FieldType.Integer, "Spam threshold 0-100") { Min = 0, Max = 100 },
        new("pubKey", FieldType.String, "ASCII-armoured OpenPGP public key for encryptMessages (\"\" removes it)") { MaxLength = 65536 },
        new("encryptMessages", FieldType.Boolean, "Store incoming mail encrypted to pubKey (PGP/MIME)"),
        new("encryptForwarded", FieldType.Boolean, "Encrypt forwarded copies to pubKey"),
    };

    private static readonly FieldSpec RecipientsField =
        new("recipients", FieldType.Integer, "Recipients the user may submit per day (0 = the default, MaxRecipientsPerDay); root only") { Min = 0, Max = 1_000_000 };

    private static readonly FieldSpec FromWhitelistField =
        new("fromWhitelist", FieldType.StringArray, "Sender addresses allowed besides the user's own: addresses, *suffix or prefix* patterns") { MaxItems = MaxFromWhitelist, MaxLength = FromWhitelist.MaxEntryLength };

    public static IEnumerable<ApiRoute> Routes()
    {
        yield return new ApiRoute("GET", "/users", "listUsers", "Users", "Lists users by username", RouteAccess.Root, ListAsync) { Paged = true };

        yield return new ApiRoute("POST", "/users", "createUser", "Users", "Creates a user with the default mailboxes", RouteAccess.Root, CreateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[]
                {
                    new("username", FieldType.String, "Username (lowercase letters, digits, dots; or an address)") { Required = true, MaxLength = 128 },
                    new("password", FieldType.String, "Password; omit to create a user without password login") { MinLength = 1, MaxLength = 256 },
                    new("address", FieldType.String, "Main address (default: the username at the email domain)") { MinLength = 3, MaxLength = 256 },
                    new("emptyAddress", FieldType.Boolean, "Create the user without any address"),
                    new("quota", FieldType.Integer, "Storage quota in bytes (0 = the default)") { Min = 0 },
                    RecipientsField,
                    FromWhitelistField,
                },
                ProfileFields),
        };

        yield return new ApiRoute("GET", "/users/resolve/{username}", "resolveUser", "Users", "Resolves a username or address to a user id", RouteAccess.Root, ResolveAsync);

        yield return new ApiRoute("GET", "/users/{user}", "getUser", "Users", "Gets a user with limits and usage", RouteAccess.UserData, GetAsync);

        yield return new ApiRoute("PUT", "/users/{user}", "updateUser", "Users", "Updates a user; quota, recipients, disabled, suspended, disabledScopes and fromWhitelist need root", RouteAccess.UserData, UpdateAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[]
                {
                    new("password", FieldType.String, "New password (revokes the user's tokens)") { MinLength = 1, MaxLength = 256 },
                    new("existingPassword", FieldType.String, "The current password; required for a password change without the root token") { MaxLength = 256 },
                    new("quota", FieldType.Integer, "Storage quota in bytes (0 = the default); root only") { Min = 0 },
                    RecipientsField,
                    new("disabled", FieldType.Boolean, "Disable login; root only"),
                    new("suspended", FieldType.Boolean, "Suspend (no login, tokens revoked); root only"),
                    new("disabledScopes", FieldType.StringArray, "Protocols the user may not use; root only") { Allowed = Scopes, MaxItems = 3 },
                    new("disable2fa", FieldType.Boolean, "true turns every 2FA method off (as DELETE /users/:user/2fa)"),
                    FromWhitelistField with { Description = "Sender addresses allowed besides the user's own ([] removes them); root only" },
                },
                ProfileFields,
                SecurityEvents.LogFields),
        };

        yield return new ApiRoute("POST", "/users/{user}/password/reset", "resetUserPassword", "Users",
            "Issues a temporary password for the master scope (valid for a day, from validAfter); a password change clears it", RouteAccess.Root, ResetPasswordAsync)
        {
            BodyKind = BodyKind.Json,
            Body = FieldSpecs.Concat(
                new FieldSpec[] { new("validAfter", FieldType.String, "ISO 8601 time from which the password works (default: now)") { MaxLength = 64 } },
                SecurityEvents.LogFields),
        };

        yield return new ApiRoute("PUT", "/users/{user}/logout", "logoutUser", "Users", "Ends the user's IMAP and POP3 sessions and revokes its API tokens", RouteAccess.UserData, LogoutAsync)
        {
            BodyKind = BodyKind.Json,
            Body = new FieldSpec[] { new("reason", FieldType.String, "What the clients are told (printable ASCII)") { MinLength = 1, MaxLength = 128 } },
        };

        yield return new ApiRoute("DELETE", "/users/{user}", "deleteUser", "Users", "Deletes a user with all its mail", RouteAccess.Root, DeleteAsync);
    }

    private static Task ListAsync(ApiCall call) =>
        Pager.ForwardOnlyAsync(
            call,
            UsersCursor,
            (after, limit) => call.Services.Users.ListUsersAsync(limit, after, call.Aborted),
            static user => user.Username,
            user => Summary(user, call.Services));

    private static async Task CreateAsync(ApiCall call)
    {
        var input = call.Input;
        var request = new CreateUserRequest
        {
            Username = input.String("username")!,
            Password = input.String("password"),
            Address = input.String("address"),
            EmptyAddress = input.Flag("emptyAddress"),
            Name = input.String("name"),
            Quota = input.Integer("quota") ?? 0,
            Recipients = (int)(input.Integer("recipients") ?? 0),
            Retention = StorageCalls.Retention(input.Integer("retention")),
            SpamLevel = (int)(input.Integer("spamLevel") ?? 50),
            Language = input.String("language"),
            PublicKey = ValidatePublicKey(input),
            EncryptMessages = input.Flag("encryptMessages"),
            EncryptForwarded = input.Flag("encryptForwarded"),
            FromWhitelist = ReadFromWhitelist(input),
        };
        RequireKeyForEncryption(input, request.PublicKey);

        var user = await StorageCalls.MapAsync(
            () => call.Services.Users.CreateUserAsync(request, call.Aborted),
            error => error switch
            {
                StorageError.AlreadyExists => new ApiException(409, "UserExistsError", "This username or address already exists"),
                StorageError.Invalid => ApiException.Validation(request.Address is null ? "username" : "address", "is not a valid username or address"),
                _ => null,
            }).ConfigureAwait(false);
        call.Services.Publish(WildDuckEventTypes.UserCreated, user.Id, ("username", user.Username), ("address", user.Address));
        await call.OkAsync(new JsonObject { ["id"] = user.Id.ToString() }).ConfigureAwait(false);
    }

    private static async Task ResolveAsync(ApiCall call)
    {
        var user = await call.Services.Users.FindUserAsync(call.Route("username"), call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        await call.OkAsync(new JsonObject { ["id"] = user.Id.ToString() }).ConfigureAwait(false);
    }

    private static async Task GetAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var body = Summary(user, call.Services);
        var limits = body["limits"]!.AsObject();
        limits["recipients"] = ApiJson.Limit(call.Services.RecipientLimit(user), await call.Services.SubmittedRecipients.GetUsageAsync(user.Id, call.Aborted).ConfigureAwait(false));
        limits["forwards"] = ApiJson.Limit(call.Services.WildDuck.Users.MaxForwardsPerDay, await call.Services.Forwards.GetUsageAsync(user.Id, call.Aborted).ConfigureAwait(false));
        body["language"] = user.Language;
        body["retention"] = user.Retention is { } retention ? (long)retention.TotalMilliseconds : false;
        body["spamLevel"] = user.SpamLevel;
        body["disabledScopes"] = ApiJson.Strings(user.DisabledScopes);
        body["targets"] = ApiJson.Strings(user.ForwardTargets);
        body["hasPasswordSet"] = user.PasswordHash.Length > 0;
        body["enabled2fa"] = ApiJson.Strings(user.Enabled2fa);
        body["encryptMessages"] = user.EncryptMessages;
        body["encryptForwarded"] = user.EncryptForwarded;
        body["fromWhitelist"] = ApiJson.Strings(user.FromWhitelist);
        body["pubKey"] = user.PublicKey ?? string.Empty;
        body["keyInfo"] = user.PublicKey is { } key && StoredMessageEncryption.TryReadPublicKey(key, out var info, out _)
            ? new JsonObject { ["name"] = info!.Name, ["address"] = info.Address, ["fingerprint"] = info.Fingerprint }
            : null;
        body["created"] = ApiJson.Date(user.Created);
        await call.OkAsync(body).ConfigureAwait(false);
    }

    private static JsonObject Summary(UserRecord user, ApiServices services) => new()
    {
        ["id"] = user.Id.ToString(),
        ["username"] = user.Username,
        ["name"] = user.Name ?? string.Empty,
        ["address"] = user.Address,
        ["limits"] = new JsonObject
        {
            ["quota"] = new JsonObject
            {
                ["allowed"] = user.Quota > 0 ? user.Quota : services.WildDuck.Users.DefaultQuota,
                ["used"] = user.StorageUsed,
            },
        },
        ["disabled"] = user.Disabled,
        ["suspended"] = user.Suspended,
    };

    /// <summary>The normalised, de-duplicated <c>fromWhitelist</c>; 400 naming the first bad entry (<c>fromWhitelist[i]</c>).</summary>
    private static List<string>? ReadFromWhitelist(ApiInput input)
    {
        if (input.Strings("fromWhitelist") is not { } entries)
        {
            return null;
        }

        var result = new List<string>();
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = FromWhitelist.Normalize(entries[i])
                ?? throw ApiException.Validation("fromWhitelist[" + i.ToString(CultureInfo.InvariantCulture) + "]", "must be an address, *suffix or prefix* (one * at either end, not * alone)");
            if (!result.Contains(entry))
            {
                result.Add(entry);
            }
        }

        return result;
    }

    private static async Task UpdateAsync(ApiCall call)
    {
        var input = call.Input;
        var user = await call.UserAsync().ConfigureAwait(false);
        // fromWhitelist lets the user send as someone else: an administrator's decision, like quota.
        if (input.Has("quota") || input.Has("recipients") || input.Has("disabled") || input.Has("suspended") || input.Has("disabledScopes") || input.Has("fromWhitelist"))
        {
            call.RequireRoot();
        }

        // As DELETE /users/:user/2fa (ApiRoute.GuardsSecondFactor): a user's own token cannot turn
        // off custom 2FA, which this API never sees checked.
        if (input.Flag("disable2fa") && SecondFactor.IsUserTokenUnderCustomTwoFactor(call.Caller))
        {
            throw ApiException.ExternalSecondFactorRequired();
        }

        string? passwordHash = null;
        if (input.String("password") is { } password)
        {
            if (password.Length == 0)
            {
                throw ApiException.Validation("password", "must not be empty");
            }

            if (!call.IsRoot || input.Has("existingPassword"))
            {
                var existing = input.String("existingPassword") ?? throw ApiException.Validation("existingPassword", "is required to change the password");

                // Through the authenticator, not the hasher alone: a wrong existing password counts
                // against the user's failed-login window like any login, so a token holder cannot
                // guess the password without limit.
                var check = await call.Services.Authenticator.AuthenticateAsync(
                    user.Username,
                    existing,
                    new AuthenticationContext(AuthenticationScope.Master, call.Http.Connection.RemoteIpAddress?.ToString()),
                    call.Aborted).ConfigureAwait(false);
                switch (check.Failure)
                {
                    case AuthenticationFailure.None:
                        break;
                    case AuthenticationFailure.RateLimited:
                        throw new ApiException(429, "RateLimitedError", "Authentication was rate limited") { RetryAfter = check.RetryAfter };
                    case AuthenticationFailure.InvalidCredentials:
                        throw new ApiException(403, "AuthFailed", "Password verification failed");
                    default:
                        // Disabled, suspended or the master scope turned off: the authenticator stops
                        // before the password, so check it directly (only root reaches such a user).
                        if (call.Services.PasswordHasher.Verify(existing, user.PasswordHash) == PasswordVerification.Failed)
                        {
                            throw new ApiException(403, "AuthFailed", "Password verification failed");
                        }

                        break;
                }
            }

            passwordHash = call.Services.PasswordHasher.Hash(password);
        }

        var update = new UserUpdate
        {
            Name = input.String("name"),
            Language = input.String("language"),
            Retention = input.Has("retention") ? TimeSpan.FromMilliseconds(input.Integer("retention")!.Value) : null,
            SpamLevel = (int?)input.Integer("spamLevel"),
            Quota = input.Integer("quota"),
            Recipients = (int?)input.Integer("recipients"),
            Disabled = input.Boolean("disabled"),
            Suspended = input.Boolean("suspended"),
            DisabledScopes = input.Strings("disabledScopes"),
            PasswordHash = passwordHash,
            PublicKey = ValidatePublicKey(input),
            EncryptMessages = input.Boolean("encryptMessages"),
            EncryptForwarded = input.Boolean("encryptForwarded"),
            FromWhitelist = ReadFromWhitelist(input),
        };
        RequireKeyForEncryption(input, update.PublicKey ?? user.PublicKey);
        _ = await call.Services.Users.UpdateUserAsync(user.Id, update, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        if (input.Flag("disable2fa"))
        {
            await SecondFactor.DisableAllAsync(call, user).ConfigureAwait(false);
        }

        await RecordChangesAsync(call, user, update).ConfigureAwait(false);
        EndSessionsAfterLockout(call, user, update);
        call.Services.Publish(WildDuckEventTypes.UserUpdated, user.Id, ("username", user.Username));
        if (passwordHash is not null)
        {
            call.Services.Publish(WildDuckEventTypes.UserPasswordChanged, user.Id);
        }

        await call.OkAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A new password, a suspension or a disabled account also ends the user's open IMAP and POP3
    /// sessions, on every instance (reference §6.1's LOGOUT beacon, sent on password change and
    /// suspension): they were opened with what no longer lets anyone in.
    /// </summary>
    private static void EndSessionsAfterLockout(ApiCall call, UserRecord before, UserUpdate update)
    {
        var reason = update.PasswordHash is not null ? "Password changed"
            : update.Suspended == true && !before.Suspended ? "Account suspended"
            : update.Disabled == true && !before.Disabled ? "Account disabled"
            : null;
        if (reason is not null)
        {
            call.Services.Sessions?.Logout(before.Id, reason);
        }
    }

    /// <summary>Records the security-relevant parts of an update in the authentication log (reference §7.5).</summary>
    private static async Task RecordChangesAsync(ApiCall call, UserRecord before, UserUpdate update)
    {
        if (update.PasswordHash is not null)
        {
            await SecurityEvents.RecordAsync(call, before.Id, AuthEventAction.PasswordChange).ConfigureAwait(false);
        }

        if (update.Disabled is { } disabled && disabled != before.Disabled)
        {
            await SecurityEvents.RecordAsync(call, before.Id, disabled ? AuthEventAction.DisableAccount : AuthEventAction.EnableAccount).ConfigureAwait(false);
        }

        if (update.Suspended is { } suspended && suspended != before.Suspended)
        {
            await SecurityEvents.RecordAsync(call, before.Id, suspended ? AuthEventAction.SuspendAccount : AuthEventAction.UnsuspendAccount).ConfigureAwait(false);
        }

        if (update.DisabledScopes is { } scopes && !new HashSet<string>(scopes, StringComparer.OrdinalIgnoreCase).SetEquals(before.DisabledScopes))
        {
            await SecurityEvents.RecordAsync(call, before.Id, AuthEventAction.UpdateDisabledScopes).ConfigureAwait(false);
        }
    }

    private static async Task ResetPasswordAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var now = call.Services.Time.GetUtcNow();
        var validAfter = call.Input.IsoDate("validAfter") ?? now;
        if (validAfter - now >= call.Services.WildDuck.Authentication.TemporaryPasswordLifetime)
        {
            throw ApiException.Validation("validAfter", "must be earlier than the temporary password's lifetime from now");
        }

        // WildDuck's 12 letters and digits (reference §7.6); stored hashed, shown once.
        var password = AccountPasswords.NewTemporaryPassword();
        var update = new UserUpdate { TemporaryPassword = new TemporaryPassword(call.Services.PasswordHasher.Hash(password), now, validAfter) };
        _ = await call.Services.Users.UpdateUserAsync(user.Id, update, call.Aborted).ConfigureAwait(false) ?? throw ApiException.UserNotFound();
        await SecurityEvents.RecordAsync(call, user.Id, AuthEventAction.PasswordReset).ConfigureAwait(false);
        await call.OkAsync(new JsonObject { ["password"] = password, ["validAfter"] = ApiJson.Date(validAfter) }).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>pubKey</c> checked before it is stored (reference §7.9): one armoured public key with a
    /// usable encryption key, else 400. "" stays "" (removes the key on update).
    /// </summary>
    private static string? ValidatePublicKey(ApiInput input)
    {
        var key = input.String("pubKey");
        if (string.IsNullOrEmpty(key))
        {
            return key;
        }

        return StoredMessageEncryption.TryReadPublicKey(key, out _, out var error) ? key : throw ApiException.Validation("pubKey", error!);
    }

    /// <summary>encryptMessages (and encryptForwarded) set to true need a key to encrypt to.</summary>
    private static void RequireKeyForEncryption(ApiInput input, string? key)
    {
        foreach (var field in new[] { "encryptMessages", "encryptForwarded" })
        {
            if (input.Boolean(field) == true && string.IsNullOrEmpty(key))
            {
                throw ApiException.Validation(field, "needs a pubKey");
            }
        }
    }

    /// <summary>
    /// Forced logout (reference §8.3, WildDuck's LOGOUT beacon): every session of the user in this
    /// process says BYE (IMAP) or -ERR (POP3) with the reason and closes; every API token of the
    /// user is revoked (in the store, so on every instance).
    /// </summary>
    private static async Task LogoutAsync(ApiCall call)
    {
        var user = await call.UserAsync().ConfigureAwait(false);
        var reason = call.Input.String("reason") ?? "Logout requested by an administrator";
        foreach (var c in reason)
        {
            if (c is < ' ' or > '~')
            {
                throw ApiException.Validation("reason", "must be printable ASCII");
            }
        }

        long tokens = call.Services.Tokens is { } store ? await store.DeleteUserTokensAsync(user.Id, call.Aborted).ConfigureAwait(false) : 0;
        var sessions = call.Services.Sessions?.Logout(user.Id, reason) ?? 0;
        await call.OkAsync(new JsonObject { ["sessions"] = sessions, ["tokens"] = tokens }).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ApiCall call)
    {
        var id = call.UserIdFromRoute();
        if (!await call.Services.Users.DeleteUserAsync(id, call.Aborted).ConfigureAwait(false))
        {
            throw ApiException.UserNotFound();
        }

        call.Services.Publish(WildDuckEventTypes.UserDeleted, id);
        await call.OkAsync().ConfigureAwait(false);
    }
}
