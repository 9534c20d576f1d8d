// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WildDuck.Storage;
using Xunit;

namespace WildDuck.Imap.Tests;

public sealed class QuotaTests
{
    [Fact]
    public async Task GetQuotaReportsStorageInKibibytes()
    {
        await using var server = await ImapTestServer.StartAsync();
        using var client = await server.ConnectClientAsync();
        client.Capabilities.Should().HaveFlag(ImapCapabilities.Quota);
        var inbox = client.Inbox;
        await inbox.AppendAsync(InteropHelpers.Message("quota", new string('x', 5000)));

        var user = (await server.Users.GetUserAsync(server.Alice.Id))!;
        var limit = user.Quota > 0 ? user.Quota : server.Services.GetRequiredService<IOptions<WildDuckOptions>>().Value.Users.DefaultQuota;
        user.StorageUsed.Should().BeGreaterThan(5000);

        var quota = await inbox.GetQuotaAsync();
        quota.QuotaRoot!.FullName.Should().Be(string.Empty);
        quota.StorageLimit.Should().Be((uint)((limit + 1023) / 1024));
        quota.CurrentStorageSize.Should().Be((uint)((user.StorageUsed + 1023) / 1024));
    }
}

public sealed class OverQuotaTests
{
    [Fact]
    public async Task AppendOverQuotaIsRefusedBeforeTheContinuation()
    {
        await using var server = await ImapTestServer.StartAsync();
        await server.Users.UpdateUserAsync(server.Alice.Id, new UserUpdate { Quota = 2048 });
        await using var raw = await RawImapConnection.OpenAsync(server);

        // RFC 9208 §4.2 / RFC 7889 §3: NO [OVERQUOTA] instead of "+", so the client sends nothing.
        await raw.SendAsync("a1 APPEND INBOX {4000}\r\n");
        (await raw.ReadLineAsync()).Should().StartWith("a1 NO [OVERQUOTA]");
        (await raw.CommandAsync("a2", "NOOP"))[^1].Should().Be("a2 OK NOOP completed");

        await raw.SendAsync("a3 APPEND INBOX {21+}\r\nSubject: hi\r\n\r\nbody\r\n\r\n");
        (await raw.ReadUntilTaggedAsync("a3"))[^1].Should().StartWith("a3 OK [APPENDUID");

        // COPY that would exceed the quota: NO [OVERQUOTA], nothing copied.
        await raw.SendAsync("a4 APPEND INBOX {1500+}\r\nSubject: big\r\n\r\n" + new string('x', 1500 - 18) + "\r\n\r\n");
        var appended = (await raw.ReadUntilTaggedAsync("a4"))[^1];
        await raw.CommandAsync("a5", "SELECT INBOX");
        appended.Should().StartWith("a4 OK");
        (await raw.CommandAsync("a6", "COPY 1:* Trash"))[^1].Should().StartWith("a6 NO [OVERQUOTA]");
        (await raw.CommandAsync("a7", "STATUS Trash (MESSAGES)"))[0].Should().Be("* STATUS \"Trash\" (MESSAGES 0)");
    }
}
