// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    private static readonly uint[] AllSeeded = { 1, 2, 3, 4, 5, 6, 7, 8 };

    /// <summary>
    /// Seeds INBOX with eight crafted messages (UIDs 1-8):
    /// <list type="table">
    /// <item>1: From Alice Example &lt;alice@example.com&gt;, To bob, Cc carol, "Quarterly report", X-Priority: 1, sent 2024-01-09, received 2024-01-10, \Seen, $Work.</item>
    /// <item>2: From Bob, To alice, "Re: Quarterly report", sent 2024-02-14, received 2024-02-15, \Seen \Answered.</item>
    /// <item>3: From Dieter Müller (encoded word), To alice, "Grüße aus Berlin" (encoded word), sent 2024-02-29 +0100, received 2024-03-01, \Flagged.</item>
    /// <item>4: From newsletter@shop.example, To alice, Bcc audit, "Big sale", large body, sent 2024-03-19, received 2024-03-20, $Promo.</item>
    /// <item>5: From alice, To dave, "Draft idea", sent 2024-03-24, received 2024-03-25, \Draft \Seen.</item>
    /// <item>6: From spam@junk.example, To alice, "You won", sent 2024-03-27, received 2024-03-28, \Deleted.</item>
    /// <item>7: From Eve, To alice, "Lunch?", X-Mailer and X-Tracking: zebracorn, sent 2024-03-29, received 2024-03-30.</item>
    /// <item>8: From Frank, To alice, Cc bob, "Photos" with an attachment, sent 2024-03-31 23:30 -0500 (2024-04-01 in UTC), received 2024-04-02, \Flagged \Seen, $Work.</item>
    /// </list>
    /// </summary>
    protected async Task<(UserRecord User, MailboxRecord Mailbox, IReadOnlyList<AppendResult> Results)> SeedSearchMailboxAsync()
    {
        var (user, inbox) = await UserWithInboxAsync("searcher");
        static DateTimeOffset Utc(int month, int day) => new(2024, month, day, 10, 0, 0, TimeSpan.Zero);
        var filler = string.Concat(Enumerable.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\n", 150));
        var seed = new (TestMessage Message, DateTimeOffset Received, MessageFlags Flags, string[] Keywords)[]
        {
            (new TestMessage
            {
                From = "Alice Example <alice@example.com>", To = "bob@example.org", Cc = "carol@example.net", Subject = "Quarterly report",
                Date = new DateTimeOffset(2024, 1, 9, 9, 0, 0, TimeSpan.Zero), ExtraHeaders = new[] { "X-Priority: 1" }, Body = "Numbers are up this quarter.\n",
            }, Utc(1, 10), MessageFlags.Seen, new[] { "$Work" }),
            (new TestMessage
            {
                From = "Bob <bob@example.org>", To = "alice@example.com", Subject = "Re: Quarterly report",
                Date = new DateTimeOffset(2024, 2, 14, 12, 0, 0, TimeSpan.Zero), Body = "Thanks for the numbers.\n",
            }, Utc(2, 15), MessageFlags.Seen | MessageFlags.Answered, Array.Empty<string>()),
            (new TestMessage
            {
                From = "=?UTF-8?Q?Dieter_M=C3=BCller?= <dieter@beispiel.de>", To = "alice@example.com", Subject = "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_Berlin?=",
                Date = new DateTimeOffset(2024, 2, 29, 8, 0, 0, TimeSpan.FromHours(1)), Body = "See you soon.\n",
            }, Utc(3, 1), MessageFlags.Flagged, Array.Empty<string>()),
            (new TestMessage
            {
                From = "newsletter@shop.example", To = "alice@example.com", Bcc = "audit@example.com", Subject = "Big sale",
                Date = new DateTimeOffset(2024, 3, 19, 7, 0, 0, TimeSpan.Zero), Body = "Huge discount on everything.\n" + filler,
            }, Utc(3, 20), MessageFlags.None, new[] { "$Promo" }),
            (new TestMessage
            {
                From = "alice@example.com", To = "dave@example.com", Subject = "Draft idea",
                Date = new DateTimeOffset(2024, 3, 24, 20, 0, 0, TimeSpan.Zero), Body = "Unfinished thoughts.\n",
            }, Utc(3, 25), MessageFlags.Draft | MessageFlags.Seen, Array.Empty<string>()),
            (new TestMessage
            {
                From = "spam@junk.example", To = "alice@example.com", Subject = "You won",
                Date = new DateTimeOffset(2024, 3, 27, 3, 0, 0, TimeSpan.Zero), Body = "Claim your prize.\n",
            }, Utc(3, 28), MessageFlags.Deleted, Array.Empty<string>()),
            (new TestMessage
            {
                From = "Eve <eve@example.com>", To = "alice@example.com", Subject = "Lunch?",
                Date = new DateTimeOffset(2024, 3, 29, 11, 0, 0, TimeSpan.Zero),
                ExtraHeaders = new[] { "X-Mailer: ConformanceMailer 1.0", "X-Tracking: zebracorn" }, Body = "Pizza at noon.\n",
            }, Utc(3, 30), MessageFlags.None, Array.Empty<string>()),
            (new TestMessage
            {
                From = "Frank <frank@example.com>", To = "alice@example.com", Cc = "bob@example.org", Subject = "Photos",
                Date = new DateTimeOffset(2024, 3, 31, 23, 30, 0, TimeSpan.FromHours(-5)), Body = "Pictures attached.\n",
                AttachmentSize = 4000, AttachmentSeed = 11,
            }, Utc(4, 2), MessageFlags.Flagged | MessageFlags.Seen, new[] { "$Work" }),
        };

        var results = new List<AppendResult>();
        foreach (var (message, received, flags, keywords) in seed)
        {
            results.Add(await AppendAsync(user, inbox, message.ToBytes(), flags, received, keywords));
        }

        results.Select(r => r.Uid).Should().Equal(AllSeeded);
        return (user, inbox, results);
    }

    /// <summary>Asserts the UIDs a search returns, in ascending order.</summary>
    protected async Task ShouldFindAsync(UserRecord user, MailboxRecord mailbox, SearchKey key, params uint[] expected)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(mailbox);
        var found = await Messages.SearchAsync(user.Id, mailbox.Id, key);
        found.Should().Equal(expected, "SEARCH {0} should match exactly those UIDs, ascending", key);
    }

    [SkippableFact]
    public async Task Search_ALL_finds_every_message_of_the_mailbox_only()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();
        var other = await Mailboxes.CreateMailboxAsync(user.Id, "Other");
        await AppendSimpleAsync(user, other, 99);

        await ShouldFindAsync(user, inbox, AllKey.Instance, AllSeeded);
        await ShouldFindAsync(user, other, AllKey.Instance, 1);
        var empty = await Mailboxes.CreateMailboxAsync(user.Id, "Empty");
        await ShouldFindAsync(user, empty, AllKey.Instance);
    }

    [SkippableTheory]
    [InlineData(MessageFlags.Seen, true, new uint[] { 1, 2, 5, 8 })]
    [InlineData(MessageFlags.Seen, false, new uint[] { 3, 4, 6, 7 })]
    [InlineData(MessageFlags.Answered, true, new uint[] { 2 })]
    [InlineData(MessageFlags.Answered, false, new uint[] { 1, 3, 4, 5, 6, 7, 8 })]
    [InlineData(MessageFlags.Flagged, true, new uint[] { 3, 8 })]
    [InlineData(MessageFlags.Flagged, false, new uint[] { 1, 2, 4, 5, 6, 7 })]
    [InlineData(MessageFlags.Deleted, true, new uint[] { 6 })]
    [InlineData(MessageFlags.Deleted, false, new uint[] { 1, 2, 3, 4, 5, 7, 8 })]
    [InlineData(MessageFlags.Draft, true, new uint[] { 5 })]
    [InlineData(MessageFlags.Draft, false, new uint[] { 1, 2, 3, 4, 6, 7, 8 })]
    public async Task Search_by_system_flag_set_or_unset(MessageFlags flag, bool isSet, uint[] expected)
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new FlagKey(flag, isSet), expected);
    }

    [SkippableFact]
    public async Task Search_by_flag_sees_flag_changes()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await StoreAsync(user, inbox, Uids(3, 4), FlagOperation.Add, MessageFlags.Seen);
        await StoreAsync(user, inbox, Uids(1), FlagOperation.Remove, MessageFlags.Seen);

        await ShouldFindAsync(user, inbox, new FlagKey(MessageFlags.Seen, false), 1, 6, 7);
    }

    [SkippableTheory]
    [InlineData("$Work", true, new uint[] { 1, 8 })]
    [InlineData("$work", true, new uint[] { 1, 8 })]
    [InlineData("$Promo", true, new uint[] { 4 })]
    [InlineData("$Nowhere", true, new uint[0])]
    [InlineData("$WORK", false, new uint[] { 2, 3, 4, 5, 6, 7 })]
    [InlineData("$Nowhere", false, new uint[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    public async Task Search_by_keyword_and_unkeyword_is_case_insensitive(string keyword, bool isSet, uint[] expected)
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new KeywordKey(keyword, isSet), expected);
    }

    [SkippableTheory]
    [InlineData(AddressField.From, "alice", new uint[] { 1, 5 })]
    [InlineData(AddressField.From, "ALICE@EXAMPLE", new uint[] { 1, 5 })]
    [InlineData(AddressField.From, "Alice Example", new uint[] { 1 })]
    [InlineData(AddressField.From, "ve", new uint[] { 7 })]
    [InlineData(AddressField.From, "Müller", new uint[] { 3 })]
    [InlineData(AddressField.From, "MÜLLER", new uint[] { 3 })]
    [InlineData(AddressField.From, "nobody", new uint[0])]
    [InlineData(AddressField.To, "alice@example.com", new uint[] { 2, 3, 4, 6, 7, 8 })]
    [InlineData(AddressField.To, "Dave", new uint[] { 5 })]
    [InlineData(AddressField.Cc, "bob", new uint[] { 8 })]
    [InlineData(AddressField.Cc, "CAROL", new uint[] { 1 })]
    [InlineData(AddressField.Bcc, "audit", new uint[] { 4 })]
    [InlineData(AddressField.Subject, "report", new uint[] { 1, 2 })]
    [InlineData(AddressField.Subject, "ar", new uint[] { 1, 2 })]
    [InlineData(AddressField.Subject, "QUARTERLY", new uint[] { 1, 2 })]
    [InlineData(AddressField.Subject, "grüße", new uint[] { 3 })]
    [InlineData(AddressField.Subject, "Grüße aus", new uint[] { 3 })]
    [InlineData(AddressField.Subject, "lunch?", new uint[] { 7 })]
    public async Task Search_by_address_and_subject_fields_is_a_case_insensitive_substring_match(AddressField field, string value, uint[] expected)
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new HeaderKey(field, value), expected);
    }

    [SkippableTheory]
    [InlineData("X-Priority", "1", new uint[] { 1 })]
    [InlineData("x-priority", "", new uint[] { 1 })]
    [InlineData("X-Mailer", "conformancemailer", new uint[] { 7 })]
    [InlineData("X-Mailer", "other", new uint[0])]
    [InlineData("Cc", "", new uint[] { 1, 8 })]
    [InlineData("Bcc", "", new uint[] { 4 })]
    [InlineData("SUBJECT", "sale", new uint[] { 4 })]
    [InlineData("X-Absent", "", new uint[0])]
    public async Task Search_by_HEADER_matches_a_named_fields_value_or_presence(string name, string value, uint[] expected)
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new HeaderFieldKey(name, value), expected);
    }

    [SkippableTheory]
    [InlineData("numbers", false, new uint[] { 1, 2 })]
    [InlineData("PIZZA", false, new uint[] { 7 })]
    [InlineData("pictures attached", false, new uint[] { 8 })]
    [InlineData("quarterly", false, new uint[0])]
    [InlineData("zebracorn", false, new uint[0])]
    [InlineData("quarterly", true, new uint[] { 1, 2 })]
    [InlineData("zebracorn", true, new uint[] { 7 })]
    [InlineData("pizza", true, new uint[] { 7 })]
    [InlineData("shop.example", true, new uint[] { 4 })]
    public async Task Search_BODY_looks_at_the_body_only_and_TEXT_at_headers_too(string value, bool includeHeaders, uint[] expected)
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new TextKey(value, includeHeaders), expected);
    }

    [SkippableTheory]
    [InlineData(DateField.Internal, DateComparison.Before, 2024, 3, 1, new uint[] { 1, 2 })]
    [InlineData(DateField.Internal, DateComparison.On, 2024, 3, 1, new uint[] { 3 })]
    [InlineData(DateField.Internal, DateComparison.Since, 2024, 3, 25, new uint[] { 5, 6, 7, 8 })]
    [InlineData(DateField.Internal, DateComparison.On, 2024, 3, 2, new uint[0])]
    [InlineData(DateField.Sent, DateComparison.Before, 2024, 2, 29, new uint[] { 1, 2 })]
    [InlineData(DateField.Sent, DateComparison.On, 2024, 2, 29, new uint[] { 3 })]
    [InlineData(DateField.Sent, DateComparison.Since, 2024, 3, 29, new uint[] { 7, 8 })]
    [InlineData(DateField.Sent, DateComparison.On, 2024, 3, 31, new uint[] { 8 })]
    [InlineData(DateField.Sent, DateComparison.On, 2024, 4, 1, new uint[0])]
    public async Task Search_by_date_compares_calendar_dates_in_the_values_own_offset(DateField field, DateComparison comparison, int year, int month, int day, uint[] expected)
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new DateKey(field, comparison, new DateOnly(year, month, day)), expected);
    }

    [SkippableFact]
    public async Task Search_LARGER_and_SMALLER_are_strict()
    {
        SkipIfUnavailable();
        var (user, inbox, results) = await SeedSearchMailboxAsync();
        var photoSize = results[7].Size;
        var sizes = results.ToDictionary(r => r.Uid, r => r.Size);

        await ShouldFindAsync(user, inbox, new SizeKey(photoSize, Larger: true), sizes.Where(s => s.Value > photoSize).Select(s => s.Key).Order().ToArray());
        await ShouldFindAsync(user, inbox, new SizeKey(photoSize, Larger: false), sizes.Where(s => s.Value < photoSize).Select(s => s.Key).Order().ToArray());
        (await Messages.SearchAsync(user.Id, inbox.Id, new SizeKey(photoSize, Larger: true))).Should().Contain(4u).And.NotContain(8u);
        (await Messages.SearchAsync(user.Id, inbox.Id, new SizeKey(photoSize, Larger: false))).Should().NotContain(8u).And.Contain(1u);
        await ShouldFindAsync(user, inbox, new SizeKey(0, Larger: false));
    }

    [SkippableFact]
    public async Task Search_by_attachment_presence()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new AttachmentKey(true), 8);
        await ShouldFindAsync(user, inbox, new AttachmentKey(false), 1, 2, 3, 4, 5, 6, 7);
        await ShouldFindAsync(user, inbox, new NotKey(new AttachmentKey(true)), 1, 2, 3, 4, 5, 6, 7);
    }

    [SkippableFact]
    public async Task Search_by_thread_finds_the_messages_of_that_thread()
    {
        SkipIfUnavailable();
        var (user, inbox, results) = await SeedSearchMailboxAsync();
        var threads = new Dictionary<uint, EntityId>();
        foreach (var result in results)
        {
            threads[result.Uid] = (await Messages.GetMessageAsync(user.Id, inbox.Id, result.Uid))!.Thread;
        }

        var first = threads[results[0].Uid];
        await ShouldFindAsync(user, inbox, new ThreadKey(first), threads.Where(t => t.Value == first).Select(t => t.Key).Order().ToArray());
        await ShouldFindAsync(user, inbox, new NotKey(new ThreadKey(first)), threads.Where(t => t.Value != first).Select(t => t.Key).Order().ToArray());
        await ShouldFindAsync(user, inbox, new ThreadKey(EntityId.NewId()));
    }

    [SkippableFact]
    public async Task Search_by_UID_set()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new UidKey(UidSet.FromRanges(new[] { new UidRange(2, 4), new UidRange(7, 7) })), 2, 3, 4, 7);
        await ShouldFindAsync(user, inbox, new UidKey(UidSet.FromRanges(new[] { new UidRange(100, 200) })));
        await ShouldFindAsync(user, inbox, new UidKey(UidSet.All), AllSeeded);
    }

    [SkippableFact]
    public async Task Search_by_MODSEQ_finds_messages_changed_at_or_after_it()
    {
        SkipIfUnavailable();
        var (user, inbox, results) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new ModSeqKey(results[6].ModSeq), 7, 8);
        var store = await StoreAsync(user, inbox, Uids(3), FlagOperation.Add, MessageFlags.Seen);
        var changed = store.Updated.Single().ModSeq;

        await ShouldFindAsync(user, inbox, new ModSeqKey(changed), 3);
        await ShouldFindAsync(user, inbox, new ModSeqKey(results[6].ModSeq), 3, 7, 8);
        await ShouldFindAsync(user, inbox, new ModSeqKey(changed + 1));
    }

    [SkippableFact]
    public async Task Search_NOT_negates_its_key()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new NotKey(new FlagKey(MessageFlags.Seen, true)), 3, 4, 6, 7);
        await ShouldFindAsync(user, inbox, new NotKey(new HeaderKey(AddressField.From, "alice")), 2, 3, 4, 6, 7, 8);
        await ShouldFindAsync(user, inbox, new NotKey(new KeywordKey("$Work", true)), 2, 3, 4, 5, 6, 7);
        await ShouldFindAsync(user, inbox, new NotKey(AllKey.Instance));
    }

    [SkippableFact]
    public async Task Search_OR_matches_either_key()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new OrKey(new FlagKey(MessageFlags.Flagged, true), new FlagKey(MessageFlags.Draft, true)), 3, 5, 8);
        await ShouldFindAsync(user, inbox, new OrKey(new HeaderKey(AddressField.Subject, "sale"), new TextKey("zebracorn", true)), 4, 7);
    }

    [SkippableFact]
    public async Task Search_nested_AND_requires_every_key()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new AndKey(new SearchKey[]
        {
            new FlagKey(MessageFlags.Seen, true),
            new OrKey(new HeaderKey(AddressField.From, "alice"), new KeywordKey("$Work", true)),
        }), 1, 5, 8);
        await ShouldFindAsync(user, inbox, new AndKey(new SearchKey[]
        {
            new FlagKey(MessageFlags.Deleted, false),
            new AndKey(new SearchKey[]
            {
                new DateKey(DateField.Internal, DateComparison.Since, new DateOnly(2024, 3, 1)),
                new NotKey(new FlagKey(MessageFlags.Flagged, true)),
            }),
        }), 4, 5, 7);
        await ShouldFindAsync(user, inbox, new AndKey(new SearchKey[] { new HeaderKey(AddressField.To, "alice"), new TextKey("numbers", false) }), 2);
    }

    [SkippableFact]
    public async Task Search_NOT_of_OR_and_NOT_of_AND_are_negated_as_a_whole()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();
        var seen = new FlagKey(MessageFlags.Seen, true);
        var flagged = new FlagKey(MessageFlags.Flagged, true);

        // NOT (SEEN OR FLAGGED) = UNSEEN AND UNFLAGGED (De Morgan), not UNSEEN OR UNFLAGGED.
        await ShouldFindAsync(user, inbox, new NotKey(new OrKey(seen, flagged)), 4, 6, 7);
        // NOT (SEEN AND FLAGGED) excludes only message 8.
        await ShouldFindAsync(user, inbox, new NotKey(new AndKey(new SearchKey[] { seen, flagged })), 1, 2, 3, 4, 5, 6, 7);
        // OR with a negated side: FLAGGED OR NOT FROM example.com.
        await ShouldFindAsync(user, inbox, new OrKey(flagged, new NotKey(new HeaderKey(AddressField.From, "example.com"))), 2, 3, 4, 6, 8);
        // Double negation.
        await ShouldFindAsync(user, inbox, new NotKey(new NotKey(flagged)), 3, 8);
    }

    [SkippableFact]
    public async Task Search_OLDER_and_YOUNGER_compare_the_internal_date_with_now()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();
        await AppendAsync(user, inbox, Simple(9), MessageFlags.None, DateTimeOffset.UtcNow.AddMinutes(-10));

        await ShouldFindAsync(user, inbox, new WithinKey(3600, Older: false), 9);
        await ShouldFindAsync(user, inbox, new WithinKey(3600, Older: true), AllSeeded);
        await ShouldFindAsync(user, inbox, new WithinKey(60, Older: false));
        await ShouldFindAsync(user, inbox, new WithinKey(60, Older: true), AllSeeded.Append(9u).ToArray());
    }

    [SkippableFact]
    public async Task Search_RECENT_and_NEW_match_nothing_and_OLD_matches_everything()
    {
        SkipIfUnavailable();
        // The store keeps no \Recent flag (as WildDuck; RFC 9051 removed it): at the storage level
        // RECENT and NEW (RECENT UNSEEN) match nothing and OLD (NOT RECENT) matches every message.
        // The IMAP layer may refine these with the session's own notion of recent messages.
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await ShouldFindAsync(user, inbox, new RecentKey(RecentKind.Recent));
        await ShouldFindAsync(user, inbox, new RecentKey(RecentKind.New));
        await ShouldFindAsync(user, inbox, new RecentKey(RecentKind.Old), AllSeeded);
        await ShouldFindAsync(user, inbox, new NotKey(new RecentKey(RecentKind.Recent)), AllSeeded);
    }

    [SkippableFact]
    public async Task Search_skips_expunged_messages()
    {
        SkipIfUnavailable();
        var (user, inbox, _) = await SeedSearchMailboxAsync();

        await Messages.ExpungeAsync(user.Id, inbox.Id);

        await ShouldFindAsync(user, inbox, AllKey.Instance, 1, 2, 3, 4, 5, 7, 8);
        await ShouldFindAsync(user, inbox, new HeaderKey(AddressField.Subject, "won"));
    }
}
