// SPDX-License-Identifier: MIT
using FluentAssertions;
using WildDuck.Storage;
using WildDuck.Storage.Mime;
using Xunit;
using static WildDuck.Filters.Tests.TestData;

namespace WildDuck.Filters.Tests;

public class EvaluatorTests
{
    private static readonly FilterEvaluator Evaluator = new();
    private static readonly FilterQuery Any = new();

    [Fact]
    public void No_filters_goes_to_inbox()
    {
        var plan = Evaluator.Evaluate(Message());
        plan.Target.Should().Be(DeliveryTarget.Inbox);
        plan.Drop.Should().BeFalse();
        plan.IsSpam.Should().BeFalse();
        plan.Flags.Should().Be(MessageFlags.None);
        plan.MatchedFilters.Should().BeEmpty();
        plan.AutoreplyAllowed.Should().BeTrue();
        plan.SpamSource.Should().Be(SpamVerdictSource.None);
    }

    [Fact]
    public void First_writer_wins_per_action_key()
    {
        var box1 = MailboxId.NewId();
        var box2 = MailboxId.NewId();
        var f1 = Filter(Any, new FilterAction { Seen = false, Mailbox = box1 });
        var f2 = Filter(Any, new FilterAction { Seen = true, Flag = true, Mailbox = box2 });
        var f3 = Filter(Any, new FilterAction { Flag = false });

        var plan = Evaluator.Evaluate(Message(f1, f2, f3));

        plan.Flags.Should().Be(MessageFlags.Flagged);   // seen:false from f1 blocks f2's seen:true
        plan.Target.Should().Be(DeliveryTarget.ForMailbox(box1));
        plan.MatchedFilters.Should().Equal(f1.Id, f2.Id, f3.Id);
    }

    [Fact]
    public void Targets_accumulate_and_are_distinct()
    {
        var f1 = Filter(Any, new FilterAction { Targets = new[] { "mail:a@example.com", "smtp://relay:25" } });
        var f2 = Filter(Any, new FilterAction { Targets = new[] { "mail:a@example.com", "https://hook.example/x" } });
        var input = Message(f1, f2) with { UserForwardTargets = new[] { "mail:user@example.org", "smtp://relay:25" } };

        var plan = Evaluator.Evaluate(input);

        plan.ForwardTargets.Should().Equal("mail:a@example.com", "smtp://relay:25", "https://hook.example/x", "mail:user@example.org");
    }

    [Fact]
    public void Non_matching_filter_is_not_recorded_and_does_not_act()
    {
        var f1 = Filter(new FilterQuery { From = "nobody" }, new FilterAction { Seen = true, Targets = new[] { "mail:x@y" } });
        var plan = Evaluator.Evaluate(Message(f1));
        plan.MatchedFilters.Should().BeEmpty();
        plan.Flags.Should().Be(MessageFlags.None);
        plan.ForwardTargets.Should().BeEmpty();
    }

    [Fact]
    public void Disabled_filters_are_skipped()
    {
        var box = MailboxId.NewId();
        var disabled = Filter(Any, new FilterAction { Mailbox = box, Delete = true }, disabled: true);
        var enabled = Filter(Any, new FilterAction { Seen = true });

        var plan = Evaluator.Evaluate(Message(disabled, enabled));

        plan.MatchedFilters.Should().Equal(enabled.Id);
        plan.Drop.Should().BeFalse();
        plan.Target.Should().Be(DeliveryTarget.Inbox);
        plan.Flags.Should().Be(MessageFlags.Seen);
    }

    [Fact]
    public void Delete_keeps_filter_targets_but_drops_user_targets()
    {
        var f1 = Filter(Any, new FilterAction { Delete = true, Targets = new[] { "mail:keep@example.com" } });
        var input = Message(f1) with { UserForwardTargets = new[] { "mail:user@example.org" } };

        var plan = Evaluator.Evaluate(input);

        plan.Drop.Should().BeTrue();
        plan.ForwardTargets.Should().Equal("mail:keep@example.com");
    }

    [Fact]
    public void Earlier_delete_false_blocks_later_delete()
    {
        var f1 = Filter(Any, new FilterAction { Delete = false });
        var f2 = Filter(Any, new FilterAction { Delete = true });
        Evaluator.Evaluate(Message(f1, f2)).Drop.Should().BeFalse();
    }

    [Fact]
    public void User_targets_apply_without_filters()
    {
        var input = Message() with { UserForwardTargets = new[] { "mail:user@example.org", "mail:user@example.org" } };
        Evaluator.Evaluate(input).ForwardTargets.Should().Equal("mail:user@example.org");
    }

    [Fact]
    public void Spam_forwards_nothing_and_blocks_autoreply()
    {
        var f1 = Filter(Any, new FilterAction { Spam = true, Targets = new[] { "mail:a@example.com" } });
        var input = Message(f1) with { UserForwardTargets = new[] { "mail:user@example.org" } };

        var plan = Evaluator.Evaluate(input);

        plan.IsSpam.Should().BeTrue();
        plan.SpamSource.Should().Be(SpamVerdictSource.Filter);
        plan.Target.Should().Be(DeliveryTarget.Junk);
        plan.ForwardTargets.Should().BeEmpty();
        plan.AutoreplyAllowed.Should().BeFalse();
    }

    [Theory]
    [InlineData("X-Spam-Status", "Yes, score=7.1 required=5.0", true)]
    [InlineData("X-Spam-Status", "yes", true)]
    [InlineData("X-Spam-Status", "No, score=1.0 required=5.0", false)]
    [InlineData("x-rspamd-spam", "YES", true)]
    [InlineData("X-Rspamd-Spam", "no", false)]
    [InlineData("X-Spam-Score", "7.5", true)]
    [InlineData("X-Spam-Score", "5.0", true)]
    [InlineData("X-Spam-Score", "4.9", false)]
    [InlineData("X-Spam-Score", "-2", false)]
    [InlineData("X-Spam-Score", "garbage", false)]
    [InlineData("X-Other", "yes", false)]
    public void Trusted_header_verdicts_at_default_level(string name, string value, bool spam)
    {
        var input = Message() with { Headers = Headers((name, value)) };
        var plan = Evaluator.Evaluate(input);
        plan.IsSpam.Should().Be(spam);
        plan.Target.Should().Be(spam ? DeliveryTarget.Junk : DeliveryTarget.Inbox);
        if (spam)
        {
            plan.SpamSource.Should().Be(SpamVerdictSource.Header);
        }
    }

    [Theory]
    [InlineData(30, true)]
    [InlineData(70, true)]
    [InlineData(71, false)]
    public void Score_header_is_compared_with_the_spam_level(int level, bool spam)
    {
        var input = Message() with { SpamLevel = level, Headers = Headers(("X-Spam-Score", "7.0")) };
        Evaluator.Evaluate(input).IsSpam.Should().Be(spam);
    }

    [Fact]
    public void Filter_spam_false_beats_header_verdict()
    {
        var ham = Filter(Any, new FilterAction { Spam = false });
        var input = Message(ham) with { Headers = Headers(("X-Spam-Status", "Yes")) };
        var plan = Evaluator.Evaluate(input);
        plan.IsSpam.Should().BeFalse();
        plan.SpamSource.Should().Be(SpamVerdictSource.Filter);
        plan.Target.Should().Be(DeliveryTarget.Inbox);
    }

    [Fact]
    public void Level_zero_is_spam_unless_a_filter_decided()
    {
        Evaluator.Evaluate(Message() with { SpamLevel = 0 }).IsSpam.Should().BeTrue();
        Evaluator.Evaluate(Message() with { SpamLevel = 0 }).SpamSource.Should().Be(SpamVerdictSource.SpamLevelAlways);
        var ham = Filter(Any, new FilterAction { Spam = false });
        Evaluator.Evaluate(Message(ham) with { SpamLevel = 0 }).IsSpam.Should().BeFalse();
    }

    [Fact]
    public void Level_hundred_is_never_spam_even_with_filter_spam_true()
    {
        var spam = Filter(Any, new FilterAction { Spam = true });
        var input = Message(spam) with { SpamLevel = 100, Headers = Headers(("X-Spam-Status", "Yes")) };
        var plan = Evaluator.Evaluate(input);
        plan.IsSpam.Should().BeFalse();
        plan.SpamSource.Should().Be(SpamVerdictSource.SpamLevelNever);
        plan.Target.Should().Be(DeliveryTarget.Inbox);
        plan.AutoreplyAllowed.Should().BeTrue();
    }

    [Fact]
    public void Header_verdict_overrides_filter_mailbox()
    {
        var box = MailboxId.NewId();
        var f1 = Filter(Any, new FilterAction { Mailbox = box });
        var input = Message(f1) with { Headers = Headers(("X-Spam-Status", "Yes")) };
        Evaluator.Evaluate(input).Target.Should().Be(DeliveryTarget.Junk);
    }

    [Fact]
    public void Later_inserted_of_spam_and_mailbox_wins()
    {
        var box = MailboxId.NewId();
        var same = Filter(Any, new FilterAction { Spam = true, Mailbox = box });
        Evaluator.Evaluate(Message(same)).Target.Should().Be(DeliveryTarget.ForMailbox(box));

        var spamFirst = Filter(Any, new FilterAction { Spam = true });
        var boxLater = Filter(Any, new FilterAction { Mailbox = box });
        Evaluator.Evaluate(Message(spamFirst, boxLater)).Target.Should().Be(DeliveryTarget.ForMailbox(box));
        Evaluator.Evaluate(Message(boxLater, spamFirst)).Target.Should().Be(DeliveryTarget.Junk);
    }

    [Fact]
    public void Custom_spam_options_replace_the_defaults()
    {
        var options = new SpamHeaderOptions
        {
            VerdictHeaders = new[] { new SpamHeaderRule("X-Rspamd-Bar", @"^\+{6}") },
            ScoreHeader = null,
        };
        var evaluator = new FilterEvaluator(options);
        evaluator.Evaluate(Message() with { Headers = Headers(("X-Rspamd-Bar", "++++++++")) }).IsSpam.Should().BeTrue();
        evaluator.Evaluate(Message() with { Headers = Headers(("X-Spam-Status", "Yes")) }).IsSpam.Should().BeFalse();
        evaluator.Evaluate(Message() with { Headers = Headers(("X-Spam-Score", "50")) }).IsSpam.Should().BeFalse();

        // Per-input options win over the evaluator's.
        Evaluator.Evaluate(Message() with { Options = options, Headers = Headers(("X-Rspamd-Bar", "++++++")) }).IsSpam.Should().BeTrue();
    }

    [Fact]
    public void From_metadata_parses_search_headers()
    {
        var metadata = new MessageMetadata
        {
            Envelope = [],
            BodyStructure = [],
            Body = [],
            Subject = "Hello",
            From = new[] { new MailAddress("Alice", "alice@example.com") },
            To = new[] { new MailAddress(null, "bob@example.net") },
            SearchHeaders = "from: Alice <alice@example.com>\nsender: owner@lists.example.org\nlist-id: Dev <dev.example.org>\r\nx-spam-status: Yes, score=9\nsubject: Hello",
            SearchBody = "body",
            ThreadSubject = "hello",
            Text = "Body text",
            HasAttachments = true,
        };

        var input = DeliveryInput.FromMetadata(metadata, 1234, "bob@example.net");

        input.From.Should().Be("Alice <alice@example.com>");
        input.Sender.Should().Be("owner@lists.example.org");
        input.To.Should().Be("bob@example.net");       // fallback to parsed addresses
        input.DeliveredTo.Should().Be("bob@example.net");
        input.ListId.Should().Be("Dev <dev.example.org>");
        input.Subject.Should().Be("Hello");
        input.Text.Should().Be("Body text");
        input.HasAttachments.Should().BeTrue();
        input.Size.Should().Be(1234);
        input.Headers.Should().HaveCount(5);

        var plan = Evaluator.Evaluate(input with { Filters = new[] { Filter(new FilterQuery { ListId = "<dev.example.org>" }) } });
        plan.MatchedFilters.Should().HaveCount(1);
        plan.IsSpam.Should().BeTrue();
    }
}
