// SPDX-License-Identifier: MIT
using WildDuck.Api.Internal;
using WildDuck.Storage.Search;

namespace WildDuck.Api.Tests;

/// <summary>The <c>q</c> language, parsed to the search AST (rendered compactly to compare).</summary>
public sealed class SearchQueryParserTests
{
    private static string Render(SearchKey key) => key switch
    {
        AllKey => "ALL",
        AndKey and => "(" + string.Join(" ", and.Keys.Select(Render)) + ")",
        OrKey or => "(OR " + Render(or.Left) + " " + Render(or.Right) + ")",
        NotKey not => "-" + Render(not.Key),
        TextKey t => "TEXT'" + t.Value + "'",
        HeaderKey h => h.Field + "'" + h.Value + "'",
        FlagKey f => (f.IsSet ? "" : "!") + f.Flag,
        AttachmentKey a => a.HasAttachments ? "ATTACHMENT" : "!ATTACHMENT",
        ThreadKey t => "THREAD:" + t.Thread,
        SizeKey s => (s.Larger ? ">" : "<") + s.Size,
        DateKey d => d.Comparison + ":" + d.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    [Theory]
    [InlineData("hello", "TEXT'hello'")]
    [InlineData("  hello   world ", "(TEXT'hello' TEXT'world')")]
    [InlineData("\"hello world\"", "TEXT'hello world'")]
    [InlineData("\"say \\\"hi\\\" \\\\ bye\"", "TEXT'say \"hi\" \\ bye'")]
    [InlineData("from:alice@example.com", "From'alice@example.com'")]
    [InlineData("FROM:Alice", "From'Alice'")]
    [InlineData("to:bob", "(OR To'bob' Cc'bob')")]
    [InlineData("cc:carol bcc:dave", "(Cc'carol' Bcc'dave')")]
    [InlineData("subject:\"quarterly report\"", "Subject'quarterly report'")]
    [InlineData("has:attachment", "ATTACHMENT")]
    [InlineData("-has:attachments", "-ATTACHMENT")]
    [InlineData("is:unseen", "!Seen")]
    [InlineData("is:read", "Seen")]
    [InlineData("is:starred is:unflagged", "(Flagged !Flagged)")]
    [InlineData("is:answered -is:replied is:unanswered", "(Answered -Answered !Answered)")]
    [InlineData("is:draft is:deleted", "(Draft Deleted)")]
    [InlineData("larger:1000", ">1000")]
    [InlineData("larger:10K smaller:2m", "(>10240 <2097152)")]
    [InlineData("smaller:1G", "<1073741824")]
    [InlineData("before:2024-03-01", "Before:2024-03-01")]
    [InlineData("after:2024/03/01 since:2024-01-31", "(Since:2024-03-01 Since:2024-01-31)")]
    [InlineData("-spam", "-TEXT'spam'")]
    [InlineData("--spam", "--TEXT'spam'")]
    [InlineData("e-mail", "TEXT'e-mail'")]
    [InlineData("a OR b", "(OR TEXT'a' TEXT'b')")]
    [InlineData("a OR b OR c", "(OR (OR TEXT'a' TEXT'b') TEXT'c')")]
    [InlineData("a OR b c", "((OR TEXT'a' TEXT'b') TEXT'c')")]
    [InlineData("a AND b", "(TEXT'a' TEXT'b')")]
    [InlineData("a or b", "(TEXT'a' TEXT'or' TEXT'b')")]
    [InlineData("ORANGE", "TEXT'ORANGE'")]
    [InlineData("(a b) OR c", "(OR (TEXT'a' TEXT'b') TEXT'c')")]
    [InlineData("-(from:x OR from:y)", "-(OR From'x' From'y')")]
    [InlineData("from:(a)", null)]
    [InlineData("http://example.com/x", "TEXT'http://example.com/x'")]
    [InlineData("re:hello", "TEXT're:hello'")]
    [InlineData("from:alice subject:lunch is:unseen", "(From'alice' Subject'lunch' !Seen)")]
    [InlineData("grüße", "TEXT'grüße'")]
    [InlineData("((a))", "TEXT'a'")]
    [InlineData("thread:65a1f0c2e4b0a1b2c3d4e5f6", "THREAD:65a1f0c2e4b0a1b2c3d4e5f6")]
    [InlineData("THREAD:65A1F0C2E4B0A1B2C3D4E5F6 -is:seen", "(THREAD:65a1f0c2e4b0a1b2c3d4e5f6 -Seen)")]
    [InlineData("-thread:65a1f0c2e4b0a1b2c3d4e5f6 OR from:x", "(OR -THREAD:65a1f0c2e4b0a1b2c3d4e5f6 From'x')")]
    public void Queries_parse_to_the_expected_tree(string q, string? expected)
    {
        if (expected is null)
        {
            FluentActions.Invoking(() => SearchQueryParser.Parse(q)).Should().Throw<SearchQueryException>();
            return;
        }

        var parsed = SearchQueryParser.Parse(q);
        Render(parsed.Key).Should().Be(expected);
        parsed.Mailbox.Should().BeNull();
    }

    [Theory]
    [InlineData("in:Sent", "Sent", "ALL")]
    [InlineData("from:bob in:INBOX", "INBOX", "From'bob'")]
    [InlineData("in:\"My Folder\" a b", "My Folder", "(TEXT'a' TEXT'b')")]
    [InlineData("in:000000000000000000000001", "000000000000000000000001", "ALL")]
    public void In_selects_the_mailbox_and_leaves_the_rest(string q, string mailbox, string expected)
    {
        var parsed = SearchQueryParser.Parse(q);
        parsed.Mailbox.Should().Be(mailbox);
        Render(parsed.Key).Should().Be(expected);
    }

    [Theory]
    [InlineData("", 0, "empty query")]
    [InlineData("   ", 0, "empty query")]
    [InlineData("\"unterminated", 0, "unterminated quoted phrase")]
    [InlineData("abc \"x", 4, "unterminated quoted phrase")]
    [InlineData("a )", 2, "unexpected ')'")]
    [InlineData("(a b", 0, "'(' is not closed")]
    [InlineData("a (b (c)", 2, "'(' is not closed")]
    [InlineData("()", 0, "empty group")]
    [InlineData("OR a", 0, "OR needs a term before it")]
    [InlineData("a OR", 4, "OR needs a term after it")]
    [InlineData("(a OR)", 5, "OR needs a term after it")]
    [InlineData("AND a", 0, "AND needs a term before it")]
    [InlineData("a AND", 5, "AND needs a term after it")]
    [InlineData("- a", 0, "'-' needs a term right after it")]
    [InlineData("a -", 2, "'-' needs a term right after it")]
    [InlineData("from:", 5, "from: needs a value")]
    [InlineData("x subject: y", 10, "subject: needs a value")]
    [InlineData("has:pictures", 4, "has: supports only attachment")]
    [InlineData("is:important", 3, "is: supports")]
    [InlineData("larger:big", 7, "size must be a number")]
    [InlineData("larger:K", 7, "size must be a number")]
    [InlineData("smaller:-5", 8, "size must be a number")]
    [InlineData("larger:99999999999999999999", 7, "size must be a number")]
    [InlineData("before:yesterday", 7, "date must be")]
    [InlineData("after:2024-13-01", 6, "date must be")]
    [InlineData("since:2024-02-30", 6, "date must be")]
    [InlineData("\"a\\nb\"", 2, "'\\' may only escape")]
    [InlineData("\"\"", 0, "empty phrase")]
    [InlineData("-in:Sent", 1, "in: may only be used at the top level")]
    [InlineData("in:Sent OR a", 0, "in: cannot be part of OR")]
    [InlineData("a OR in:Sent", 5, "in: may only be used at the top level")]
    [InlineData("(in:Sent)", 1, "in: may only be used at the top level")]
    [InlineData("in:Sent in:Trash", 8, "only one in: is allowed")]
    [InlineData("thread:", 7, "thread: needs a value")]
    [InlineData("a thread:xyz", 9, "thread: needs a thread id")]
    [InlineData("thread:65a1f0c2e4b0a1b2c3d4e5f", 7, "thread: needs a thread id")]
    [InlineData("(thread:\"65a1f0c2e4b0a1b2c3d4e5f6 \")", 8, "thread: needs a thread id")]
    public void Malformed_queries_report_the_reason_and_position(string q, int position, string reason)
    {
        var error = FluentActions.Invoking(() => SearchQueryParser.Parse(q)).Should().Throw<SearchQueryException>().Which;
        error.Reason.Should().StartWith(reason);
        error.Position.Should().Be(position);
        error.Message.Should().EndWith("at position " + position);
    }

    [Fact]
    public void Nesting_and_term_counts_are_bounded()
    {
        var deep = new string('(', SearchQueryParser.MaxDepth + 1) + "a" + new string(')', SearchQueryParser.MaxDepth + 1);
        FluentActions.Invoking(() => SearchQueryParser.Parse(deep)).Should().Throw<SearchQueryException>().Which.Reason.Should().StartWith("nested too deeply");
        var negations = new string('-', SearchQueryParser.MaxDepth + 1) + "a";
        FluentActions.Invoking(() => SearchQueryParser.Parse(negations)).Should().Throw<SearchQueryException>().Which.Reason.Should().StartWith("nested too deeply");

        var justEnough = string.Join(" ", Enumerable.Repeat("a", SearchQueryParser.MaxTerms));
        SearchQueryParser.Parse(justEnough).Key.Should().BeOfType<AndKey>().Which.Keys.Should().HaveCount(SearchQueryParser.MaxTerms);
        var tooMany = justEnough + " b";
        var error = FluentActions.Invoking(() => SearchQueryParser.Parse(tooMany)).Should().Throw<SearchQueryException>().Which;
        error.Reason.Should().StartWith("too many terms");
        error.Position.Should().Be(tooMany.Length - 1);
    }

    [Fact]
    public void Arbitrary_input_either_parses_or_fails_with_a_position_inside_the_query()
    {
        var random = new Random(6);
        const string alphabet = "ab -()\":\\ORANDfrom:is:in:larger:10";
        for (int i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 24)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var q = new string(chars);
            try
            {
                SearchQueryParser.Parse(q);
            }
            catch (SearchQueryException ex)
            {
                ex.Position.Should().BeInRange(0, q.Length, q);
            }
        }
    }
}
