// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Server;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>The <c>filter</c> and <c>queue</c> admin commands against the sample host's store.</summary>
public sealed class AdminCliFilterQueueTests : IDisposable
{
    private readonly AdminCliHost _cli = new();

    private IServiceProvider Services => _cli.Services;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task FilterAddStoresTheQueryAndTheActions()
    {
        await CreateAliceAsync();

        var (code, output, error) = await Run(
            "filter", "add", "alice", "--name", "boss", "--from", "boss@example.com", "--to", "team@", "--subject", "urgent",
            "--list-id", "ops.example.com", "--text", "deadline", "--has-attachment", "--size", "-100000",
            "--seen", "--flag", "--not-spam", "--mailbox", "Junk", "--forward", "copy@example.org",
            "--forward", "smtps://u:p@relay.example.org:465", "--forward=https://hooks.example.org/in", "--disabled");

        code.Should().Be(0, error);
        output.Should().Contain("created filter");
        var user = (await Services.GetRequiredService<IUserStore>().FindUserAsync("alice"))!;
        var junk = (await Services.GetRequiredService<IMailboxStore>().FindMailboxAsync(user.Id, "Junk"))!;
        var filter = (await Services.GetRequiredService<IFilterStore>().ListFiltersAsync(user.Id)).Should().ContainSingle().Subject;
        filter.Name.Should().Be("boss");
        filter.Disabled.Should().BeTrue();
        filter.Query.Should().BeEquivalentTo(new FilterQuery
        {
            From = "boss@example.com",
            To = "team@",
            Subject = "urgent",
            ListId = "ops.example.com",
            Text = "deadline",
            HasAttachments = true,
            Size = -100000,
        });
        filter.Action.Seen.Should().BeTrue();
        filter.Action.Flag.Should().BeTrue();
        filter.Action.Spam.Should().BeFalse();
        filter.Action.Delete.Should().BeNull();
        filter.Action.Mailbox.Should().Be(junk.Id);
        filter.Action.Targets.Should().Equal("mail:copy@example.org", "smtps://u:p@relay.example.org:465", "https://hooks.example.org/in");
    }

    [Fact]
    public async Task FilterListShowsAndFilterDeleteRemovesFilters()
    {
        await CreateAliceAsync();
        (await Run("filter", "add", "alice", "--name", "spam", "--subject", "viagra", "--spam")).Code.Should().Be(0);
        (await Run("filter", "add", "alice", "--name", "drop", "--has-attachment=no", "--delete")).Code.Should().Be(0);

        var list = await Run("filter", "list", "alice");

        list.Code.Should().Be(0);
        list.Output.Should().Contain("spam: subject ~ \"viagra\" => spam").And.Contain("drop: no attachment => delete").And.Contain("2 filter(s)");
        var id = list.Output.Split('\n')[0][..24];
        (await Run("filter", "delete", "alice", id)).Code.Should().Be(0);
        (await Run("filter", "list", "alice")).Output.Should().Contain("1 filter(s)").And.NotContain("viagra");
        (await Run("filter", "delete", "alice", id)).Code.Should().Be(AdminCli.Failed);
    }

    [Fact]
    public async Task FilterCommandsRejectBadInput()
    {
        await CreateAliceAsync();

        (await Run("filter", "add", "alice", "--subject", "x")).Code.Should().Be(AdminCli.Usage, "a filter needs an action");
        (await Run("filter", "add", "alice", "--seen", "--colour", "red")).Code.Should().Be(AdminCli.Usage);
        (await Run("filter", "add", "alice", "--seen", "--size", "big")).Code.Should().Be(AdminCli.Usage);
        (await Run("filter", "add", "alice", "--forward", "ftp://example.org")).Code.Should().Be(AdminCli.Usage);
        (await Run("filter", "add", "alice", "--mailbox", "Nowhere")).Code.Should().Be(AdminCli.Failed);
        (await Run("filter", "add", "nobody", "--seen")).Code.Should().Be(AdminCli.Failed);
        (await Run("filter", "delete", "alice", "not-an-id")).Code.Should().Be(AdminCli.Usage);
        (await Run("filter", "frobnicate")).Code.Should().Be(AdminCli.Usage);
    }

    [Fact]
    public async Task QueueListShowAndDeleteWorkOnTheOutboundQueue()
    {
        var queue = Services.GetRequiredService<IOutboundQueue>();
        var id = await queue.EnqueueAsync(new OutboundMessage
        {
            ReturnPath = string.Empty,
            Recipients = new[] { "bob@example.org" },
            Content = Encoding.ASCII.GetBytes("Subject: Out of office\r\n\r\nI am away.\r\n"),
            Reason = "autoreply",
        });
        await queue.EnqueueAsync(new OutboundMessage
        {
            Recipients = new[] { "carol@example.org" },
            Content = Encoding.ASCII.GetBytes("Subject: fwd\r\n\r\nbody\r\n"),
            Route = "https://hooks.example.org/in",
            Reason = "forward",
        });

        var list = await Run("queue", "list");
        list.Code.Should().Be(0, list.Error);
        list.Output.Should().Contain(id.ToString()).And.Contain("queued").And.Contain("autoreply").And.Contain("smarthost -> bob@example.org")
            .And.Contain("https://hooks.example.org/in -> carol@example.org").And.Contain("2 queue entries");
        (await Run("queue", "list", "--state", "failed")).Output.Should().Contain("0 queue entries");

        var show = await Run("queue", "show", id.ToString());
        show.Code.Should().Be(0);
        show.Output.Should().Contain("return path:  <>").And.Contain("Subject: Out of office").And.Contain("I am away.");

        (await Run("queue", "delete", id.ToString())).Code.Should().Be(0);
        (await queue.GetEntryAsync(id)).Should().BeNull();
        (await Run("queue", "show", id.ToString())).Code.Should().Be(AdminCli.Failed);
        (await Run("queue", "delete", id.ToString())).Code.Should().Be(AdminCli.Failed);
        (await Run("queue", "show", "xyz")).Code.Should().Be(AdminCli.Usage);
        (await Run("queue", "list", "--state", "lost")).Code.Should().Be(AdminCli.Usage);
    }

    [Fact]
    public async Task QueueRetryMakesAFailedEntryDueAgain()
    {
        var queue = Services.GetRequiredService<IOutboundQueue>();
        var id = await queue.EnqueueAsync(new OutboundMessage
        {
            Recipients = new[] { "bob@example.org" },
            Content = Encoding.ASCII.GetBytes("Subject: x\r\n\r\nbody\r\n"),
            Route = "smtp://relay:hunter2@relay.example.org",
            Reason = "forward",
        });
        (await Run("queue", "show", id.ToString())).Output.Should().Contain("smtp://relay:***@relay.example.org").And.NotContain("hunter2");
        var lease = (await queue.ClaimDueAsync(new OutboundClaimRequest { LeaseTime = TimeSpan.FromMinutes(1) })).Single();
        await queue.MarkFailedAsync(id, lease.Token, "550 5.1.1 unknown");
        (await Run("queue", "list", "--state", "failed")).Output.Should().Contain("failed").And.Contain("550 5.1.1 unknown");

        var retry = await Run("queue", "retry", id.ToString());

        retry.Code.Should().Be(0);
        var entry = (await queue.GetEntryAsync(id))!.Entry;
        entry.State.Should().Be(OutboundState.Queued);
        entry.NextAttempt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        (await Run("queue", "retry", EntityId.NewId().ToString())).Code.Should().Be(AdminCli.Failed);
    }

    private async Task CreateAliceAsync()
    {
        var created = await Run("user", "create", "alice", "--password", "pw-alice-123");
        created.Code.Should().Be(0, created.Error);
    }

    private Task<(int Code, string Output, string Error)> Run(params string[] args) => _cli.Run(args);
}
