// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    /// <summary>A new filter definition for <paramref name="user"/>.</summary>
    protected static FilterDefinition NewFilter(UserId user, string name, MailboxId? target = null) => new()
    {
        Id = EntityId.NewId(),
        User = user,
        Name = name,
        Query = new FilterQuery { From = "boss@example.com", Subject = "urgent", HasAttachments = true, Size = -100_000 },
        Action = new FilterAction { Seen = true, Flag = true, Mailbox = target, Targets = new[] { "mail:copy@example.org" } },
        Created = DateTimeOffset.UtcNow,
    };

    [SkippableFact]
    public async Task Filters_can_be_saved_listed_in_creation_order_gotten_and_deleted()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var work = await Mailboxes.CreateMailboxAsync(user.Id, "Work");
        var first = NewFilter(user.Id, "first", work.Id);
        var second = NewFilter(user.Id, "second") with { Disabled = true };
        var third = NewFilter(user.Id, "third");

        foreach (var filter in new[] { first, second, third })
        {
            await Backend.Filters.SaveFilterAsync(filter);
        }

        (await Backend.Filters.ListFiltersAsync(user.Id)).Select(f => f.Name).Should().Equal("first", "second", "third");
        var loaded = await Backend.Filters.GetFilterAsync(user.Id, first.Id);
        loaded.Should().BeEquivalentTo(first, SameInstant);
        (await Backend.Filters.GetFilterAsync(user.Id, second.Id))!.Disabled.Should().BeTrue();

        (await Backend.Filters.DeleteFilterAsync(user.Id, second.Id)).Should().BeTrue();
        (await Backend.Filters.GetFilterAsync(user.Id, second.Id)).Should().BeNull();
        (await Backend.Filters.ListFiltersAsync(user.Id)).Select(f => f.Name).Should().Equal("first", "third");
        (await Backend.Filters.DeleteFilterAsync(user.Id, second.Id)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task All_filters_of_every_user_are_paged_by_id_in_both_directions()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var saved = new List<FilterDefinition>();
        for (int i = 0; i < 5; i++)
        {
            saved.Add(await Backend.Filters.SaveFilterAsync(NewFilter(i % 2 == 0 ? alice.Id : bob.Id, "f" + i)));
        }

        var ids = saved.Select(f => f.Id).OrderBy(id => id).ToList();
        var first = await Backend.Filters.ListAllFiltersAsync(new FilterPageQuery { Limit = 2 });
        first.Total.Should().Be(5);
        first.Filters.Select(f => f.Id).Should().Equal(ids[0], ids[1]);
        var second = await Backend.Filters.ListAllFiltersAsync(new FilterPageQuery { After = ids[1], Limit = 2 });
        second.Filters.Select(f => f.Id).Should().Equal(ids[2], ids[3]);
        second.Filters.Select(f => f.User).Should().Contain(new[] { alice.Id, bob.Id }, "every user's filters are listed");
        (await Backend.Filters.ListAllFiltersAsync(new FilterPageQuery { After = ids[3], Limit = 2 })).Filters.Select(f => f.Id).Should().Equal(ids[4]);
        (await Backend.Filters.ListAllFiltersAsync(new FilterPageQuery { Before = ids[4], Limit = 2 })).Filters.Select(f => f.Id).Should().Equal(ids[2], ids[3]);
        (await Backend.Filters.ListAllFiltersAsync(new FilterPageQuery { Before = ids[1], Limit = 2 })).Filters.Select(f => f.Id).Should().Equal(ids[0]);
        var whole = await Backend.Filters.ListAllFiltersAsync(new FilterPageQuery { Limit = 10 });
        whole.Filters.Single(f => f.Id == saved[3].Id).Should().BeEquivalentTo(saved[3], SameInstant);

        await Users.DeleteUserAsync(bob.Id);
        var left = await Backend.Filters.ListAllFiltersAsync(new FilterPageQuery { Limit = 10 });
        left.Total.Should().Be(3, "a deleted user's filters go with it");
        left.Filters.Should().OnlyContain(f => f.User == alice.Id);
    }

    [SkippableFact]
    public async Task Saving_a_filter_with_an_existing_id_replaces_it()
    {
        SkipIfUnavailable();
        var user = await CreateUserAsync("alice");
        var filter = NewFilter(user.Id, "original");
        await Backend.Filters.SaveFilterAsync(filter);

        await Backend.Filters.SaveFilterAsync(filter with { Name = "renamed", Query = new FilterQuery { To = "list@example.com" } });

        var all = await Backend.Filters.ListFiltersAsync(user.Id);
        all.Should().ContainSingle();
        all[0].Name.Should().Be("renamed");
        all[0].Query.To.Should().Be("list@example.com");
        all[0].Query.From.Should().BeNull();
    }

    [SkippableFact]
    public async Task Filters_of_another_user_are_invisible()
    {
        SkipIfUnavailable();
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var filter = NewFilter(alice.Id, "mine");
        await Backend.Filters.SaveFilterAsync(filter);

        (await Backend.Filters.GetFilterAsync(bob.Id, filter.Id)).Should().BeNull();
        (await Backend.Filters.ListFiltersAsync(bob.Id)).Should().BeEmpty();
        (await Backend.Filters.DeleteFilterAsync(bob.Id, filter.Id)).Should().BeFalse();
        (await Backend.Filters.GetFilterAsync(alice.Id, filter.Id)).Should().NotBeNull();
    }

    [SkippableFact]
    public async Task Saving_more_filters_than_allowed_is_Limit()
    {
        SkipIfUnavailable();
        await using var backend = await CreateBackendWithAsync(o => o.Users.MaxFilters = 3);
        var user = await CreateUserAsync(backend, "alice");
        for (var i = 0; i < 3; i++)
        {
            await backend.Filters.SaveFilterAsync(NewFilter(user.Id, "f" + i));
        }

        var failure = await backend.Invoking(b => b.Filters.SaveFilterAsync(NewFilter(user.Id, "one too many"))).Should().ThrowAsync<StorageException>();

        failure.Which.Error.Should().Be(StorageError.Limit);
        (await backend.Filters.ListFiltersAsync(user.Id)).Should().HaveCount(3);
        var existing = (await backend.Filters.ListFiltersAsync(user.Id))[0];
        await backend.Filters.SaveFilterAsync(existing with { Name = "replacing is not adding" });
    }
}
