// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using WildDuck.Imap.Mailboxes;
using WildDuck.Storage;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class MailboxListingTests
{
    [Theory]
    [InlineData("*", "INBOX", true)]
    [InlineData("*", "a/b/c", true)]
    [InlineData("%", "a", true)]
    [InlineData("%", "a/b", false)]
    [InlineData("a/%", "a/b", true)]
    [InlineData("a/%", "a/b/c", false)]
    [InlineData("a/*", "a/b/c", true)]
    [InlineData("a*", "a/b/c", true)]
    [InlineData("a%", "abc", true)]
    [InlineData("a%", "abc/d", false)]
    [InlineData("%/b", "a/b", true)]
    [InlineData("%/%/c", "a/b/c", true)]
    [InlineData("inbox", "INBOX", true)]
    [InlineData("InBoX/%", "INBOX/x", true)]
    [InlineData("work", "Work", false)]
    [InlineData("W*k", "Work", true)]
    [InlineData("W%k", "Wo/rk", false)]
    [InlineData("", "INBOX", false)]
    [InlineData("*s", "Drafts", true)]
    [InlineData("%a%", "Trash", true)]
    public void PatternsFollowRfc3501Wildcards(string pattern, string path, bool expected) =>
        MailboxPattern.Matches(pattern, path).Should().Be(expected);

    [Theory]
    [InlineData("", "*", "*")]
    [InlineData("a/", "b", "a/b")]
    [InlineData("a/", "/b", "a/b")]
    [InlineData("a", "%", "a%")]
    public void ReferenceIsPrefixedToThePattern(string reference, string pattern, string expected) =>
        MailboxPattern.Combine(reference, pattern).Should().Be(expected);

    [Fact]
    public void ListReturnsInboxFirstWithChildrenAttributesAndImpliedParents()
    {
        var entries = MailboxListing.Build(Mailboxes("INBOX", "Trash", "a/b/c", "a/d"), Array.Empty<string>(), new[] { "*" }, new ListSelection());
        entries.Select(e => e.Path).Should().Equal("INBOX", "Trash", "a", "a/b", "a/b/c", "a/d");
        Attributes(entries, "a").Should().Be(ListAttributes.NoSelect | ListAttributes.HasChildren);
        Attributes(entries, "a/b/c").Should().Be(ListAttributes.HasNoChildren);
        Attributes(entries, "INBOX").Should().Be(ListAttributes.HasNoChildren);
    }

    [Fact]
    public void ExtendedListMarksImpliedParentsNonExistent()
    {
        var entries = MailboxListing.Build(Mailboxes("INBOX", "a/b"), Array.Empty<string>(), new[] { "*" }, new ListSelection { Extended = true });
        Attributes(entries, "a").Should().HaveFlag(ListAttributes.NonExistent).And.NotHaveFlag(ListAttributes.NoSelect, "RFC 5258 §3: \\NonExistent implies \\Noselect");
    }

    [Fact]
    public void PercentReturnsOneLevel()
    {
        var entries = MailboxListing.Build(Mailboxes("INBOX", "a/b/c", "x"), Array.Empty<string>(), new[] { "%" }, new ListSelection());
        entries.Select(e => e.Path).Should().Equal("INBOX", "a", "x");
    }

    [Fact]
    public void HiddenMailboxesAreNeverListed()
    {
        var list = Mailboxes("INBOX", "Secret").Select(m => m.Path == "Secret" ? m with { Hidden = true } : m).ToList();
        MailboxListing.Build(list, Array.Empty<string>(), new[] { "*" }, new ListSelection()).Select(e => e.Path).Should().Equal("INBOX");
    }

    [Fact]
    public void SpecialUseSelectionReturnsOnlySpecialUseMailboxes()
    {
        var list = Mailboxes("INBOX", "Sent Mail", "Trash", "Work");
        list[1] = list[1] with { SpecialUse = SpecialUse.Sent };
        list[2] = list[2] with { SpecialUse = SpecialUse.Trash };
        var entries = MailboxListing.Build(list, Array.Empty<string>(), new[] { "*" }, new ListSelection { SpecialUseOnly = true });
        entries.Select(e => (e.Path, e.SpecialUse)).Should().Equal(("Sent Mail", SpecialUse.Sent), ("Trash", SpecialUse.Trash));
    }

    [Fact]
    public void SubscribedSelectionWithRecursiveMatchReportsChildInfo()
    {
        var list = Mailboxes("INBOX", "a", "a/b");
        list[1] = list[1] with { Subscribed = false };
        var entries = MailboxListing.Build(list, Array.Empty<string>(), new[] { "%" }, new ListSelection { SubscribedOnly = true, RecursiveMatch = true, Extended = true });
        entries.Select(e => (e.Path, e.ChildInfoSubscribed)).Should().Equal(("INBOX", false), ("a", true));
        Attributes(entries, "INBOX").Should().HaveFlag(ListAttributes.Subscribed);
        Attributes(entries, "a").Should().NotHaveFlag(ListAttributes.Subscribed);
    }

    [Fact]
    public void LsubReturnsSubscribedNamesAndNoselectParentsForPercent()
    {
        var list = Mailboxes("INBOX", "a", "a/b", "c");
        list[1] = list[1] with { Subscribed = false };
        list[3] = list[3] with { Subscribed = false };
        var star = MailboxListing.Build(list, Array.Empty<string>(), new[] { "*" }, new ListSelection { SubscribedOnly = true, Lsub = true });
        star.Select(e => e.Path).Should().Equal("INBOX", "a/b");
        var percent = MailboxListing.Build(list, Array.Empty<string>(), new[] { "%" }, new ListSelection { SubscribedOnly = true, Lsub = true });
        percent.Select(e => (e.Path, e.Attributes)).Should().Equal(("INBOX", ListAttributes.None), ("a", ListAttributes.NoSelect));
    }

    [Fact]
    public void ReturnSubscribedAddsTheAttribute()
    {
        var list = Mailboxes("INBOX", "Work");
        list[1] = list[1] with { Subscribed = false };
        var entries = MailboxListing.Build(list, Array.Empty<string>(), new[] { "*" }, new ListSelection { ReturnSubscribed = true, Extended = true });
        Attributes(entries, "INBOX").Should().HaveFlag(ListAttributes.Subscribed);
        Attributes(entries, "Work").Should().NotHaveFlag(ListAttributes.Subscribed);
    }

    [Fact]
    public void SubscribedSelectionListsOrphanSubscriptionsAsNonExistent()
    {
        // RFC 5258 §5 (example 2): a subscribed name whose mailbox is gone is returned with
        // \Subscribed and \NonExistent by LIST (SUBSCRIBED), and not at all by a plain LIST.
        var list = Mailboxes("INBOX", "a");
        var entries = MailboxListing.Build(list, new[] { "gone", "a" }, new[] { "*" }, new ListSelection { SubscribedOnly = true, Extended = true });
        entries.Select(e => e.Path).Should().Equal("INBOX", "a", "gone");
        Attributes(entries, "gone").Should().Be(ListAttributes.NonExistent | ListAttributes.HasNoChildren | ListAttributes.Subscribed);
        entries.Single(e => e.Path == "gone").Mailbox.Should().BeNull();

        MailboxListing.Build(list, new[] { "gone" }, new[] { "*" }, new ListSelection { Extended = true, ReturnSubscribed = true })
            .Select(e => e.Path).Should().Equal("INBOX", "a");
    }

    [Fact]
    public void OrphanSubscriptionsBelowAMailboxDoNotGiveItChildrenButCountForLsubPercent()
    {
        var list = Mailboxes("INBOX", "a");
        list[1] = list[1] with { Subscribed = false };
        var lsub = MailboxListing.Build(list, new[] { "a/old" }, new[] { "%" }, new ListSelection { SubscribedOnly = true, Lsub = true });
        lsub.Select(e => (e.Path, e.Attributes)).Should().Equal(("INBOX", ListAttributes.None), ("a", ListAttributes.NoSelect));

        var all = MailboxListing.Build(list, new[] { "a/old" }, new[] { "*" }, new ListSelection { SubscribedOnly = true, Lsub = true });
        all.Select(e => (e.Path, e.Attributes)).Should().Equal(("INBOX", ListAttributes.None), ("a/old", ListAttributes.NoSelect));

        var recursive = MailboxListing.Build(list, new[] { "a/old" }, new[] { "%" }, new ListSelection { SubscribedOnly = true, RecursiveMatch = true, Extended = true });
        recursive.Single(e => e.Path == "a").ChildInfoSubscribed.Should().BeTrue();
        Attributes(recursive, "a").Should().HaveFlag(ListAttributes.HasNoChildren);
    }

    [Fact]
    public void RecursiveMatchReportsAParentOnlyForSubscribedDescendantsThatAreNotReturned()
    {
        // RFC 5258 §3.5; imaptest listext: "*test7" returns the subscribed test7/test7 itself, so
        // test7 is not listed; "*test8" does not match test8/test9, so test8 gets CHILDINFO.
        var list = Mailboxes("INBOX", "t7", "t7/t7", "t8", "t8/t8", "t8/t9");
        list[1] = list[1] with { Subscribed = false };
        list[3] = list[3] with { Subscribed = false };
        var selection = new ListSelection { SubscribedOnly = true, RecursiveMatch = true, Extended = true };

        MailboxListing.Build(list, Array.Empty<string>(), new[] { "*t7" }, selection).Select(e => (e.Path, e.ChildInfoSubscribed))
            .Should().Equal(("t7/t7", false));
        MailboxListing.Build(list, Array.Empty<string>(), new[] { "*t8" }, selection).Select(e => (e.Path, e.ChildInfoSubscribed))
            .Should().Equal(("t8", true), ("t8/t8", false));
        MailboxListing.Build(list, Array.Empty<string>(), new[] { "t8", "t8/t8", "t8/t9" }, selection).Select(e => e.Path)
            .Should().Equal("t8/t8", "t8/t9");
    }

    private static ListAttributes Attributes(List<ListEntry> entries, string path) => entries.Single(e => e.Path == path).Attributes;

    private static List<MailboxRecord> Mailboxes(params string[] paths) => paths.Select(p => new MailboxRecord
    {
        Id = MailboxId.NewId(),
        User = default,
        Path = p,
        UidValidity = 1,
        UidNext = 1,
        HighestModSeq = 0,
    }).ToList();
}
