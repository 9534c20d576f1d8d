// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    private static readonly DateTimeOffset AutoreplyEpoch = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task Autoreply_settings_round_trip_replace_and_delete()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        (await Backend.Autoreplies.GetAutoreplyAsync(user.Id)).Should().BeNull();

        var settings = new AutoreplySettings
        {
            Enabled = true,
            Name = "Alice Away",
            Subject = "Out of office",
            Text = "Back on Monday.",
            Html = "<p>Back on <b>Monday</b>.</p>",
            Start = AutoreplyEpoch,
            End = AutoreplyEpoch.AddDays(7),
        };
        await Backend.Autoreplies.SetAutoreplyAsync(user.Id, settings);
        (await Backend.Autoreplies.GetAutoreplyAsync(user.Id)).Should().Be(settings);

        var replaced = new AutoreplySettings { Enabled = false, Text = "gone" };
        await Backend.Autoreplies.SetAutoreplyAsync(user.Id, replaced);
        (await Backend.Autoreplies.GetAutoreplyAsync(user.Id)).Should().Be(replaced);

        (await Backend.Autoreplies.DeleteAutoreplyAsync(user.Id)).Should().BeTrue();
        (await Backend.Autoreplies.GetAutoreplyAsync(user.Id)).Should().BeNull();
        (await Backend.Autoreplies.DeleteAutoreplyAsync(user.Id)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Autoreply_settings_for_an_unknown_user_are_refused()
    {
        SkipIfUnavailable();
        var act = () => Backend.Autoreplies.SetAutoreplyAsync(UserId.NewId(), new AutoreplySettings { Enabled = true });
        (await act.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.NotFound);
    }

    [SkippableFact]
    public async Task A_sender_is_answered_once_per_interval_case_insensitively()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var interval = TimeSpan.FromHours(4);

        (await Backend.Autoreplies.TryRecordAutoreplyAsync(alice.Id, "Carol@Example.com", AutoreplyEpoch, interval)).Should().BeTrue();
        (await Backend.Autoreplies.TryRecordAutoreplyAsync(alice.Id, "carol@example.com", AutoreplyEpoch.AddHours(1), interval)).Should().BeFalse();
        (await Backend.Autoreplies.TryRecordAutoreplyAsync(alice.Id, "dave@example.com", AutoreplyEpoch.AddHours(1), interval)).Should().BeTrue("another sender");
        (await Backend.Autoreplies.TryRecordAutoreplyAsync(bob.Id, "carol@example.com", AutoreplyEpoch.AddHours(1), interval)).Should().BeTrue("another user");
        (await Backend.Autoreplies.TryRecordAutoreplyAsync(alice.Id, "carol@example.com", AutoreplyEpoch.AddHours(4).AddSeconds(1), interval)).Should().BeTrue("the interval passed");
        (await Backend.Autoreplies.TryRecordAutoreplyAsync(alice.Id, "carol@example.com", AutoreplyEpoch.AddHours(5), interval)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Saving_new_autoreply_settings_forgets_who_was_answered()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice");
        var interval = TimeSpan.FromHours(4);
        (await Backend.Autoreplies.TryRecordAutoreplyAsync(alice.Id, "carol@example.com", AutoreplyEpoch, interval)).Should().BeTrue();
        await Backend.Autoreplies.SetAutoreplyAsync(alice.Id, new AutoreplySettings { Enabled = true, Text = "new vacation" });
        (await Backend.Autoreplies.TryRecordAutoreplyAsync(alice.Id, "carol@example.com", AutoreplyEpoch.AddMinutes(1), interval)).Should().BeTrue();
    }

    [SkippableFact]
    public async Task Forward_targets_are_stored_on_the_user_and_can_be_cleared()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        user.ForwardTargets.Should().BeEmpty();
        var targets = new[] { "copy@example.org", "smtp://user:pa,ss@relay.example.net:2525", "https://hooks.example.com/in?a=1,2" };
        (await Users.UpdateUserAsync(user.Id, new UserUpdate { ForwardTargets = targets }))!.ForwardTargets.Should().Equal(targets);
        (await Users.GetUserAsync(user.Id))!.ForwardTargets.Should().Equal(targets);
        (await Users.UpdateUserAsync(user.Id, new UserUpdate { ForwardTargets = Array.Empty<string>() }))!.ForwardTargets.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Catch_all_addresses_resolve_only_with_wildcards_and_never_as_main_address()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        await Users.AddAddressAsync(user.Id, "*@catch.example");
        await Users.AddAddressAsync(user.Id, "news*@catch.example");
        var act = () => Users.AddAddressAsync(user.Id, "*@other.example", main: true);
        (await act.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.Invalid);

        (await Users.ResolveAddressAsync("anyone@catch.example")).Should().BeNull("wildcards are off by default");
        (await Users.ResolveAddressAsync("anyone@catch.example", allowWildcard: true))!.Address.Should().Be("*@catch.example");
        (await Users.ResolveAddressAsync("newsletter@catch.example", allowWildcard: true))!.Address.Should().Be("news*@catch.example");
    }
}
