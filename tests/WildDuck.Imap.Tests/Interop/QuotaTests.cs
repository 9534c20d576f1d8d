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
