// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

/// <summary>Application-specific passwords, the authentication log and temporary passwords.</summary>
public abstract partial class StorageConformanceTests
{
    private IAspStore AspStore
    {
        get
        {
            Skip.If(Backend.Asps is null, "The backend has no application password store.");
            return Backend.Asps!;
        }
    }

    private IAuthLogStore AuthLogStore
    {
        get
        {
            Skip.If(Backend.AuthLog is null, "The backend has no authentication log.");
            return Backend.AuthLog!;
        }
    }

    private static AspRecord Asp(UserRecord user, DateTimeOffset created, string description = "phone", string[]? scopes = null, TimeSpan? ttl = null) => new()
    {
        Id = EntityId.NewId(),
        User = user.Id,
        Description = description,
        Scopes = scopes ?? new[] { "*" },
        PasswordHash = "$pbkdf2-sha256$i=100000$c2FsdA$aGFzaA",
        Selector = "1f",
        Created = created,
        Ttl = ttl,
        Expires = ttl is { } t ? created + t : null,
    };

    private static AuthEventRecord AuthEvent(UserId? user, DateTimeOffset at, string action = "authentication", string result = "success", string? ip = "192.0.2.1") => new()
    {
        Id = EntityId.NewId(),
        User = user,
        Action = action,
        Result = result,
        Protocol = "IMAP",
        RemoteAddress = ip,
        RequiredScope = "imap",
        Source = "master",
        Created = at,
        Last = at,
        Expires = at.AddDays(30),
    };

    private static DateTimeOffset Ms(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    [SkippableFact]
    public async Task An_application_password_round_trips_and_is_only_its_owners()
    {
        SkipIfUnavailable();
        var asps = AspStore;
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var now = DateTimeOffset.UtcNow;
        var asp = Asp(alice, now, scopes: new[] { "imap", "smtp" });
        await asps.CreateAspAsync(asp, 50, now);

        var read = await asps.GetAspAsync(alice.Id, asp.Id, now);
        read.Should().NotBeNull();
        read!.Description.Should().Be("phone");
        read.Scopes.Should().Equal("imap", "smtp");
        read.PasswordHash.Should().Be(asp.PasswordHash);
        read.Selector.Should().Be("1f");
        read.Created.Should().Be(Ms(now));
        read.LastUse.Should().BeNull();
        read.Expires.Should().BeNull();
        (await asps.GetAspAsync(bob.Id, asp.Id, now)).Should().BeNull("another user's id finds nothing");
        (await asps.ListAspsAsync(bob.Id, now)).Should().BeEmpty();
        (await asps.DeleteAspAsync(bob.Id, asp.Id)).Should().BeFalse("only the owner deletes it");

        (await asps.ListAspsAsync(alice.Id, now)).Select(a => a.Id).Should().Equal(asp.Id);
        (await asps.DeleteAspAsync(alice.Id, asp.Id)).Should().BeTrue();
        (await asps.DeleteAspAsync(alice.Id, asp.Id)).Should().BeFalse();
        (await asps.GetAspAsync(alice.Id, asp.Id, now)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Application_passwords_need_a_user_valid_scopes_and_respect_the_limit()
    {
        SkipIfUnavailable();
        var asps = AspStore;
        var alice = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        var ghost = alice with { Id = UserId.NewId() };
        var noUser = () => asps.CreateAspAsync(Asp(ghost, now), 50, now);
        (await noUser.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.NotFound);

        foreach (var scopes in new[] { new[] { "master" }, new[] { "smtp", "imap" }, Array.Empty<string>(), new[] { "imap", "pop3", "smtp" } })
        {
            var bad = () => asps.CreateAspAsync(Asp(alice, now, scopes: scopes), 50, now);
            (await bad.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.Invalid, string.Join(",", scopes) + " is not canonical");
        }

        await asps.CreateAspAsync(Asp(alice, now, "one"), 2, now);
        await asps.CreateAspAsync(Asp(alice, now, "two"), 2, now);
        var third = () => asps.CreateAspAsync(Asp(alice, now, "three"), 2, now);
        (await third.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.Limit);
        (await asps.ListAspsAsync(alice.Id, now)).Select(a => a.Description).Should().Equal("one", "two");
    }

    [SkippableFact]
    public async Task An_expired_application_password_is_hidden_does_not_count_and_use_slides_its_expiry()
    {
        SkipIfUnavailable();
        var asps = AspStore;
        var alice = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        var old = Asp(alice, now.AddHours(-2), "old", ttl: TimeSpan.FromHours(1));
        await asps.CreateAspAsync(old, 1, now.AddHours(-2));
        (await asps.GetAspAsync(alice.Id, old.Id, now)).Should().BeNull("it expired an hour ago");
        (await asps.ListAspsAsync(alice.Id, now)).Should().BeEmpty();

        var fresh = Asp(alice, now, "fresh", ttl: TimeSpan.FromHours(1));
        await asps.CreateAspAsync(fresh, 1, now);
        (await asps.RecordAspUseAsync(alice.Id, fresh.Id, now.AddMinutes(50), "198.51.100.7")).Should().BeTrue();
        var used = await asps.GetAspAsync(alice.Id, fresh.Id, now.AddMinutes(90));
        used.Should().NotBeNull("the use at 50 minutes moved the expiry to 110 minutes");
        used!.LastUse.Should().Be(Ms(now.AddMinutes(50)));
        used.LastIp.Should().Be("198.51.100.7");
        used.Ttl.Should().Be(TimeSpan.FromHours(1));
        used.Expires.Should().Be(Ms(now.AddMinutes(110)));
        (await asps.GetAspAsync(alice.Id, fresh.Id, now.AddMinutes(111))).Should().BeNull();

        var forever = Asp(alice, now, "forever");
        await asps.CreateAspAsync(forever, 2, now);
        (await asps.RecordAspUseAsync(alice.Id, forever.Id, now.AddDays(400), null)).Should().BeTrue();
        (await asps.GetAspAsync(alice.Id, forever.Id, now.AddDays(500)))!.Expires.Should().BeNull("without a TTL a use sets no expiry");
        (await asps.RecordAspUseAsync(alice.Id, EntityId.NewId(), now, null)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Deleting_a_user_deletes_its_application_passwords()
    {
        SkipIfUnavailable();
        var asps = AspStore;
        var alice = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        var asp = Asp(alice, now);
        await asps.CreateAspAsync(asp, 50, now);
        (await Users.DeleteUserAsync(alice.Id)).Should().BeTrue();
        (await asps.GetAspAsync(alice.Id, asp.Id, now)).Should().BeNull();
        (await asps.ListAspsAsync(alice.Id, now)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Authentication_log_entries_round_trip_and_repeats_within_the_window_merge()
    {
        SkipIfUnavailable();
        var log = AuthLogStore;
        var alice = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        var first = await log.AddAuthEventAsync(AuthEvent(alice.Id, now) with { Session = "s1", Asp = EntityId.NewId(), AspName = "phone", Reason = null }, TimeSpan.FromHours(6));
        first.Events.Should().Be(1);

        var repeat = await log.AddAuthEventAsync(AuthEvent(alice.Id, now.AddHours(1)) with { Session = "s2", Asp = first.Asp, AspName = "phone" }, TimeSpan.FromHours(6));
        repeat.Id.Should().Be(first.Id, "the same event within six hours is counted in the first entry");
        repeat.Events.Should().Be(2);
        repeat.Last.Should().Be(Ms(now.AddHours(1)));
        repeat.Created.Should().Be(Ms(now));
        repeat.Expires.Should().Be(Ms(now.AddHours(1).AddDays(30)));

        var failure = await log.AddAuthEventAsync(AuthEvent(alice.Id, now.AddHours(1), result: "fail") with { Reason = "InvalidCredentials" }, TimeSpan.FromHours(6));
        failure.Id.Should().NotBe(first.Id, "another result is another entry");
        var later = await log.AddAuthEventAsync(AuthEvent(alice.Id, now.AddHours(7)) with { Asp = first.Asp, AspName = "phone" }, TimeSpan.FromHours(6));
        later.Id.Should().NotBe(first.Id, "outside the window a new entry starts");
        var otherIp = await log.AddAuthEventAsync(AuthEvent(alice.Id, now.AddHours(1), ip: "192.0.2.99"), TimeSpan.Zero);
        otherIp.Events.Should().Be(1);

        var read = await log.GetAuthEventAsync(alice.Id, first.Id, now);
        read.Should().NotBeNull();
        read!.Action.Should().Be("authentication");
        read.Result.Should().Be("success");
        read.Protocol.Should().Be("IMAP");
        read.Session.Should().Be("s1");
        read.RemoteAddress.Should().Be("192.0.2.1");
        read.RequiredScope.Should().Be("imap");
        read.Source.Should().Be("master");
        read.Asp.Should().Be(first.Asp);
        read.AspName.Should().Be("phone");
        read.Events.Should().Be(2);
        (await log.GetAuthEventAsync(alice.Id, failure.Id, now))!.Reason.Should().Be("InvalidCredentials");

        var bob = await CreateUserAsync("bob");
        (await log.GetAuthEventAsync(bob.Id, first.Id, now)).Should().BeNull("another user's entry");
        var unknown = await log.AddAuthEventAsync(AuthEvent(null, now, result: "fail"), TimeSpan.FromHours(6));
        (await log.AddAuthEventAsync(AuthEvent(null, now.AddMinutes(1), result: "fail"), TimeSpan.FromHours(6))).Id.Should().Be(unknown.Id, "unknown-user attempts merge among themselves");
        (await log.ListAuthEventsAsync(bob.Id, new AuthEventQuery(), now)).Total.Should().Be(0);
    }

    [SkippableFact]
    public async Task The_authentication_log_lists_newest_first_with_filters_and_positions_and_purges_expired_entries()
    {
        SkipIfUnavailable();
        var log = AuthLogStore;
        var alice = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        var ids = new List<EntityId>();
        for (int i = 0; i < 5; i++)
        {
            // Distinct IPs, so nothing merges.
            ids.Add((await log.AddAuthEventAsync(AuthEvent(alice.Id, now.AddSeconds(i), ip: "192.0.2." + (10 + i)), TimeSpan.FromHours(6))).Id);
        }

        var change = await log.AddAuthEventAsync(AuthEvent(alice.Id, now.AddSeconds(9), action: "create asp", ip: "192.0.2.10"), TimeSpan.FromHours(6));
        var expired = await log.AddAuthEventAsync(AuthEvent(alice.Id, now.AddDays(-40)) with { Expires = now.AddDays(-10), RemoteAddress = "203.0.113.1" }, TimeSpan.FromHours(6));

        var all = await log.ListAuthEventsAsync(alice.Id, new AuthEventQuery { Limit = 10 }, now);
        all.Total.Should().Be(6, "the expired entry is not counted");
        all.Events.Select(e => e.Id).Should().Equal(new[] { change.Id }.Concat(Enumerable.Reverse(ids)));

        var firstPage = await log.ListAuthEventsAsync(alice.Id, new AuthEventQuery { Limit = 2 }, now);
        firstPage.Events.Select(e => e.Id).Should().Equal(change.Id, ids[4]);
        var second = await log.ListAuthEventsAsync(alice.Id, new AuthEventQuery { Limit = 2, Before = ids[4] }, now);
        second.Events.Select(e => e.Id).Should().Equal(ids[3], ids[2]);
        second.Total.Should().Be(6);
        var back = await log.ListAuthEventsAsync(alice.Id, new AuthEventQuery { Limit = 2, After = ids[3] }, now);
        back.Events.Select(e => e.Id).Should().Equal(change.Id, ids[4]);

        var changes = await log.ListAuthEventsAsync(alice.Id, new AuthEventQuery { Action = "create asp" }, now);
        changes.Events.Select(e => e.Id).Should().Equal(change.Id);
        changes.Total.Should().Be(1);
        var byIp = await log.ListAuthEventsAsync(alice.Id, new AuthEventQuery { RemoteAddress = "192.0.2.10" }, now);
        byIp.Events.Select(e => e.Id).Should().Equal(change.Id, ids[0]);

        (await log.GetAuthEventAsync(alice.Id, expired.Id, now)).Should().BeNull("it expired");
        (await log.DeleteExpiredAuthEventsAsync(now)).Should().BeGreaterThanOrEqualTo(1);
        (await log.DeleteExpiredAuthEventsAsync(now)).Should().Be(0);
        (await log.ListAuthEventsAsync(alice.Id, new AuthEventQuery { Limit = 10 }, now)).Total.Should().Be(6, "only expired entries were purged");
    }

    [SkippableFact]
    public async Task A_temporary_password_is_stored_on_the_user_and_a_password_change_clears_it()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice");
        alice.TemporaryPassword.Should().BeNull();
        var now = DateTimeOffset.UtcNow;
        var temporary = new TemporaryPassword("$pbkdf2-sha256$i=100000$dGVtcA$aGFzaA", now, now.AddHours(1));
        var updated = await Users.UpdateUserAsync(alice.Id, new UserUpdate { TemporaryPassword = temporary });
        updated!.TemporaryPassword.Should().Be(new TemporaryPassword(temporary.Hash, Ms(now), Ms(now.AddHours(1))));
        updated.AuthVersion.Should().Be(alice.AuthVersion, "issuing a temporary password does not revoke tokens");
        (await Users.FindUserAsync("alice"))!.TemporaryPassword.Should().NotBeNull();
        (await Users.UpdateUserAsync(alice.Id, new UserUpdate { Name = "Alice" }))!.TemporaryPassword.Should().NotBeNull("other updates keep it");

        var changed = await Users.UpdateUserAsync(alice.Id, new UserUpdate { PasswordHash = "$pbkdf2-sha256$i=100000$bmV3$aGFzaA", TemporaryPassword = temporary });
        changed!.TemporaryPassword.Should().BeNull("a password change ends the reset");
        (await Users.GetUserAsync(alice.Id))!.TemporaryPassword.Should().BeNull();
    }
}
