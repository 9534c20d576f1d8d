// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class IdleTests
{
    [Fact]
    public async Task IdlingClientSeesAnotherClientsAppendFlagsAndExpunge()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var a = await server.ConnectClientAsync();
        using var b = await server.ConnectClientAsync();
        var inboxA = a.Inbox;
        await inboxA.OpenAsync(FolderAccess.ReadWrite);
        var inboxB = b.Inbox;
        await inboxB.OpenAsync(FolderAccess.ReadWrite);

        var count = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flags = new TaskCompletionSource<MessageFlags>(TaskCreationOptions.RunContinuationsAsynchronously);
        var expunged = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inboxA.CountChanged += (_, _) => { if (inboxA.Count == 1) { count.TrySetResult(inboxA.Count); } };
        inboxA.MessageFlagsChanged += (_, e) => { if ((e.Flags & MessageFlags.Flagged) != 0) { flags.TrySetResult(e.Flags); } };
        inboxA.MessageExpunged += (_, e) => expunged.TrySetResult(e.Index);

        using var done = new CancellationTokenSource();
        var idle = a.IdleAsync(done.Token);

        var uid = await inboxB.AppendAsync(InteropHelpers.Message("idle push"));
        (await count.Within()).Should().Be(1);

        await inboxB.AddFlagsAsync(uid!.Value, MessageFlags.Flagged, silent: true);
        (await flags.Within()).Should().HaveFlag(MessageFlags.Flagged);

        await inboxB.AddFlagsAsync(uid.Value, MessageFlags.Deleted, silent: true);
        await inboxB.ExpungeAsync();
        (await expunged.Within()).Should().Be(0);

        await done.CancelAsync();
        await idle.WaitAsync(InteropHelpers.Timeout);
        inboxA.Count.Should().Be(0);
        await a.NoOpAsync();
    }
}
