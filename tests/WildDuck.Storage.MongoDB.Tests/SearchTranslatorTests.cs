// SPDX-License-Identifier: MIT
using System.Text.RegularExpressions;
using WildDuck.Storage.MongoDB.Internal;
using WildDuck.Storage.Search;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>The MongoDB filter compiled for every search key, including NOT/OR nesting.</summary>
public sealed class SearchTranslatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static BsonDocument Compile(SearchKey key) => MongoSearchTranslator.Translate(key, Now);

    private const string None = "{ _id: { $exists: false } }";

    [Fact]
    public void ALL_and_an_empty_AND_match_everything_and_NOT_ALL_nothing()
    {
        Compile(AllKey.Instance).ShouldRenderAs("{}");
        Compile(new AndKey(Array.Empty<SearchKey>())).ShouldRenderAs("{}");
        Compile(new NotKey(AllKey.Instance)).ShouldRenderAs(None);
        Compile(new AndKey(new SearchKey[] { AllKey.Instance, new SizeKey(5, true) })).ShouldRenderAs("{ size: { $gt: NumberLong(5) } }");
    }

    [Theory]
    [InlineData(MessageFlags.Seen, true, "{ unseen: false }")]
    [InlineData(MessageFlags.Seen, false, "{ unseen: true }")]
    [InlineData(MessageFlags.Deleted, true, "{ undeleted: false }")]
    [InlineData(MessageFlags.Deleted, false, "{ undeleted: true }")]
    [InlineData(MessageFlags.Flagged, true, "{ flagged: true }")]
    [InlineData(MessageFlags.Flagged, false, "{ flagged: false }")]
    [InlineData(MessageFlags.Draft, true, "{ draft: true }")]
    [InlineData(MessageFlags.Draft, false, "{ draft: false }")]
    [InlineData(MessageFlags.Answered, true, "{ flags: '\\\\Answered' }")]
    [InlineData(MessageFlags.Answered, false, "{ flags: { $ne: '\\\\Answered' } }")]
    public void System_flags_use_the_denormalised_booleans_or_the_flag_list(MessageFlags flag, bool isSet, string expected)
    {
        Compile(new FlagKey(flag, isSet)).ShouldRenderAs(expected);
    }

    [Fact]
    public void Keywords_match_the_whole_flag_case_insensitively()
    {
        var set = Compile(new KeywordKey("$Work.x", true));
        set.ShouldRenderAs("{ flags: { $regularExpression: { pattern: '^\\\\$Work\\\\.x$', options: 'i' } } }");
        Compile(new KeywordKey("$Work", false)).ShouldRenderAs("{ flags: { $not: { $regularExpression: { pattern: '^\\\\$Work$', options: 'i' } } } }");

        var regex = new Regex(set["flags"].AsBsonRegularExpression.Pattern, RegexOptions.IgnoreCase);
        regex.IsMatch("$work.x").Should().BeTrue();
        regex.IsMatch("$WorkAx").Should().BeFalse("the dot is escaped");
        regex.IsMatch("x$Work.x").Should().BeFalse("anchored");
    }

    [Fact]
    public void RECENT_and_NEW_match_nothing_and_OLD_everything()
    {
        Compile(new RecentKey(RecentKind.Recent)).ShouldRenderAs(None);
        Compile(new RecentKey(RecentKind.New)).ShouldRenderAs(None);
        Compile(new RecentKey(RecentKind.Old)).ShouldRenderAs("{}");
    }

    [Theory]
    [InlineData(AddressField.From, "search.from")]
    [InlineData(AddressField.To, "search.to")]
    [InlineData(AddressField.Cc, "search.cc")]
    [InlineData(AddressField.Bcc, "search.bcc")]
    [InlineData(AddressField.Subject, "search.subject")]
    public void Address_and_subject_keys_are_unanchored_regexes_of_the_upper_cased_needle(AddressField field, string path)
    {
        Compile(new HeaderKey(field, "alice@Example.com")).ShouldRenderAs(
            "{ '" + path + "': { $regularExpression: { pattern: 'ALICE\\\\@EXAMPLE\\\\.COM', options: '' } } }");
        Compile(new HeaderKey(field, string.Empty)).ShouldRenderAs("{}");
    }

    [Fact]
    public void HEADER_matches_a_named_field_by_value_or_by_presence()
    {
        Compile(new HeaderFieldKey("X-Priority", "1")).ShouldRenderAs(
            "{ 'search.fields': { $elemMatch: { k: 'X-PRIORITY', v: { $regularExpression: { pattern: '1', options: '' } } } } }");
        Compile(new HeaderFieldKey("x-priority", string.Empty)).ShouldRenderAs("{ 'search.fields.k': 'X-PRIORITY' }");
        Compile(new HeaderFieldKey(string.Empty, "x")).ShouldRenderAs(None);
    }

    [Fact]
    public void BODY_looks_at_the_body_and_TEXT_at_headers_or_body()
    {
        Compile(new TextKey("Pizza", false)).ShouldRenderAs("{ 'search.body': { $regularExpression: { pattern: 'PIZZA', options: '' } } }");
        Compile(new TextKey("Pizza", true)).ShouldRenderAs(
            "{ $or: [{ 'search.headers': { $regularExpression: { pattern: 'PIZZA', options: '' } } }, { 'search.body': { $regularExpression: { pattern: 'PIZZA', options: '' } } }] }");
        Compile(new TextKey(string.Empty, true)).ShouldRenderAs("{}");
        Compile(new TextKey(string.Empty, false)).ShouldRenderAs("{}");
    }

    [Fact]
    public void A_needle_that_is_not_well_formed_text_matches_nothing()
    {
        Compile(new TextKey("a\uD800b", false)).ShouldRenderAs(None);
        Compile(new HeaderFieldKey("Subject", "\uDC00")).ShouldRenderAs(None);
        Compile(new TextKey("\uD83D\uDE00", false))["search.body"].AsBsonRegularExpression.Pattern.Should().Be("\uD83D\uDE00", "a surrogate pair is one character");
    }

    [Fact]
    public void A_search_string_beyond_the_pattern_limit_is_refused_as_invalid()
    {
        var fits = () => Compile(new TextKey(new string('a', MongoSearchTranslator.MaxPatternBytes), false));
        fits.Should().NotThrow();
        var tooLong = () => Compile(new TextKey(new string('.', (MongoSearchTranslator.MaxPatternBytes / 2) + 1), false));
        tooLong.Should().Throw<StorageException>().Which.Error.Should().Be(StorageError.Invalid, "escaping doubles the dots");
    }

    [Theory]
    [InlineData(".*+?()[]{}|^$\\/#- :'\"", "\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\\\/\\#\\-\\ \\:\\'\\\"")]
    [InlineData("abcXYZ019", "abcXYZ019")]
    [InlineData("Grüße ☃", "Grüße\\ ☃")]
    [InlineData("a\0b\tc\u007F", "a\\x{0}b\\x{9}c\\x{7f}")]
    public void Regex_escaping_makes_every_character_literal(string value, string expected)
    {
        var escaped = MongoSearchTranslator.EscapeRegex(value);
        escaped.Should().Be(expected);
        escaped.Should().NotContain("\0", "a pattern is a C string");
    }

    [Theory]
    [InlineData("report", "Quarterly REPORT")]
    [InlineData("GRÜSSE", "Grüsse aus Berlin")]
    [InlineData("grüße", "GRÜßE")]
    [InlineData("σ", "ΣΊΣΥΦΟΣ")]
    [InlineData("k", "\u212A")]
    [InlineData("i", "İstanbul")]
    [InlineData("ſ", "s")]
    [InlineData("a.c", "abc")]
    [InlineData("\u00AD", "plain")]
    public void Upper_casing_both_sides_equals_ordinal_ignore_case_substring_matching(string needle, string haystack)
    {
        // What the database evaluates: an escaped literal over ToUpperInvariant text. .NET's
        // regex engine reads the escapes as PCRE does for these characters (control characters
        // aside, which .NET spells differently).
        var pattern = MongoSearchTranslator.EscapeRegex(MongoSearchTranslator.Fold(needle));
        var database = Regex.IsMatch(MongoSearchTranslator.Fold(haystack), pattern, RegexOptions.CultureInvariant);

        database.Should().Be(haystack.Contains(needle, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Folding_agrees_with_ordinal_ignore_case_for_every_character()
    {
        var classes = new Dictionary<string, string>();
        for (var i = 0; i < 0x10000; i++)
        {
            if (i is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var c = ((char)i).ToString();
            var folded = MongoSearchTranslator.Fold(c);
            folded.Should().HaveLength(1);
            string.Equals(c, folded, StringComparison.OrdinalIgnoreCase).Should().BeTrue($"U+{i:X4} folds to a case variant of itself");
            MongoSearchTranslator.Fold(folded).Should().Be(folded);
            if (classes.TryGetValue(folded, out var first))
            {
                string.Equals(c, first, StringComparison.OrdinalIgnoreCase).Should().BeTrue($"U+{i:X4} folds like U+{(int)first[0]:X4}");
            }
            else
            {
                classes[folded] = c;
            }
        }

        MongoSearchTranslator.Fold("\U00010428x\u017F").Should().Be("\U00010400X\u017F", "pairs fold as one character; long s stays");
    }

    [Theory]
    [InlineData(DateField.Internal, DateComparison.Before, "{ iday: { $lt: 738945 } }")]
    [InlineData(DateField.Internal, DateComparison.On, "{ iday: 738945 }")]
    [InlineData(DateField.Internal, DateComparison.Since, "{ iday: { $gte: 738945 } }")]
    [InlineData(DateField.Sent, DateComparison.Before, "{ hday: { $lt: 738945 } }")]
    [InlineData(DateField.Sent, DateComparison.On, "{ hday: 738945 }")]
    [InlineData(DateField.Sent, DateComparison.Since, "{ hday: { $gte: 738945 } }")]
    public void Date_keys_compare_stored_calendar_day_numbers(DateField field, DateComparison comparison, string expected)
    {
        new DateOnly(2024, 3, 1).DayNumber.Should().Be(738945);
        Compile(new DateKey(field, comparison, new DateOnly(2024, 3, 1))).ShouldRenderAs(expected);
    }

    [Fact]
    public void OLDER_and_YOUNGER_compare_the_internal_date_with_now()
    {
        Compile(new WithinKey(3600, Older: true)).ShouldRenderAs("{ idate: { $lt: ISODate('2026-03-10T11:00:00Z') } }");
        Compile(new WithinKey(3600, Older: false)).ShouldRenderAs("{ idate: { $gte: ISODate('2026-03-10T11:00:00Z') } }");
    }

    [Fact]
    public void LARGER_and_SMALLER_are_strict_and_MODSEQ_is_inclusive()
    {
        Compile(new SizeKey(1000, Larger: true)).ShouldRenderAs("{ size: { $gt: NumberLong(1000) } }");
        Compile(new SizeKey(1000, Larger: false)).ShouldRenderAs("{ size: { $lt: NumberLong(1000) } }");
        Compile(new ModSeqKey(17)).ShouldRenderAs("{ modseq: { $gte: NumberLong(17) } }");
    }

    [Fact]
    public void A_thread_matches_the_thread_field()
    {
        Compile(new ThreadKey(EntityId.Parse("65a1f0c2e4b0a1b2c3d4e5f6"))).ShouldRenderAs("{ thread: ObjectId('65a1f0c2e4b0a1b2c3d4e5f6') }");
    }

    [Fact]
    public void Attachment_presence_uses_the_ha_field()
    {
        Compile(new AttachmentKey(true)).ShouldRenderAs("{ ha: true }");
        Compile(new AttachmentKey(false)).ShouldRenderAs("{ ha: { $ne: true } }");
    }

    [Fact]
    public void UID_sets_become_equalities_ranges_and_one_IN_list()
    {
        Compile(new UidKey(UidSet.FromUids(new uint[] { 4 }))).ShouldRenderAs("{ uid: NumberLong(4) }");
        Compile(new UidKey(UidSet.FromRanges(new[] { new UidRange(2, 9) }))).ShouldRenderAs("{ uid: { $gte: NumberLong(2), $lte: NumberLong(9) } }");
        Compile(new UidKey(UidSet.FromRanges(new[] { new UidRange(1, 1), new UidRange(3, 5), new UidRange(8, 8), new UidRange(10, 10) }))).ShouldRenderAs(
            "{ $or: [{ uid: { $gte: NumberLong(3), $lte: NumberLong(5) } }, { uid: { $in: [NumberLong(1), NumberLong(8), NumberLong(10)] } }] }");
        Compile(new UidKey(UidSet.Empty)).ShouldRenderAs(None);
        Compile(new UidKey(UidSet.All)).ShouldRenderAs("{ uid: { $gte: NumberLong(1), $lte: NumberLong(4294967295) } }");
    }

    [Fact]
    public void NOT_and_OR_nest_to_any_depth_without_losing_negation()
    {
        var key = new NotKey(new OrKey(new FlagKey(MessageFlags.Seen, true), new AndKey(new SearchKey[] { new SizeKey(10, true), new NotKey(new TextKey("x", false)) })));
        Compile(key).ShouldRenderAs(
            "{ $nor: [{ $or: [{ unseen: false }, { $and: [{ size: { $gt: NumberLong(10) } }, { $nor: [{ 'search.body': { $regularExpression: { pattern: 'X', options: '' } } }] }] }] }] }");
    }

    [Fact]
    public void OR_with_a_side_that_matches_everything_matches_everything()
    {
        Compile(new OrKey(AllKey.Instance, new FlagKey(MessageFlags.Seen, true))).ShouldRenderAs("{}");
        Compile(new NotKey(new OrKey(new RecentKey(RecentKind.Old), new FlagKey(MessageFlags.Seen, true)))).ShouldRenderAs(None);
        Compile(new OrKey(new RecentKey(RecentKind.New), new FlagKey(MessageFlags.Seen, true))).ShouldRenderAs("{ $or: [" + None + ", { unseen: false }] }");
    }

    [Fact]
    public void Queries_nested_beyond_the_limit_are_refused_as_invalid()
    {
        SearchKey deep = new FlagKey(MessageFlags.Seen, true);
        for (var i = 1; i < MongoSearchTranslator.MaxDepth; i++)
        {
            deep = new NotKey(deep);
        }

        var allowed = () => Compile(deep);
        allowed.Should().NotThrow();
        var refused = () => Compile(new NotKey(deep));
        refused.Should().Throw<StorageException>().Which.Error.Should().Be(StorageError.Invalid);
    }

    [Fact]
    public void A_maximal_query_stays_within_MongoDBs_nesting_limit_of_100()
    {
        SearchKey deep = new HeaderFieldKey("X", "y");
        for (var i = 1; i < MongoSearchTranslator.MaxDepth; i++)
        {
            deep = i % 2 == 0 ? new NotKey(deep) : new OrKey(deep, new SizeKey(1, true));
        }

        Depth(MongoSearchTranslator.Query(ObjectId.GenerateNewId(), deep, Now)).Should().BeLessThan(100);
    }

    private static int Depth(BsonValue value) => value switch
    {
        BsonDocument d => 1 + d.Values.Select(Depth).DefaultIfEmpty(0).Max(),
        BsonArray a => 1 + a.Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
