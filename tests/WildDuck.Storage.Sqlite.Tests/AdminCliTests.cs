// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Threading.Tasks;
using FluentAssertions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Server;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

public sealed class AdminCliTests : IDisposable
{
    private readonly AdminCliHost _cli = new();

    private IServiceProvider Services => _cli.Services;

    private TempDirectory DataDir => _cli.Directory;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task UserCreateStoresAUserWithTheDefaultFolders()
    {
        var (code, output, error) = await Run("user", "create", "alice", "--password", "correct horse", "--address", "alice@example.org", "--quota", "1048576");
        code.Should().Be(0, error);
        output.Should().Contain("created user alice");

        var users = Services.GetRequiredService<IUserStore>();
        var user = await users.FindUserAsync("alice@example.org");
        user.Should().NotBeNull();
        user!.Quota.Should().Be(1048576);
        var mailboxes = await Services.GetRequiredService<IMailboxStore>().ListMailboxesAsync(user.Id);
        mailboxes.Should().HaveCount(5);
        System.IO.File.Exists(Path.Combine(DataDir.Path, "wildduck.db")).Should().BeTrue("the store lives in the configured data directory");
    }

    [Fact]
    public async Task UserListShowsEveryUser()
    {
        var alice = await Run("user", "create", "alice", "--password", "pw-alice-123");
        alice.Code.Should().Be(0, alice.Error);
        var bob = await Run("user", "create", "bob", "--password", "pw-bob-12345");
        bob.Code.Should().Be(0, bob.Error);
        var (code, output, _) = await Run("user", "list");
        code.Should().Be(0);
        output.Should().Contain("alice").And.Contain("bob").And.Contain("2 user(s)");
    }

    [Fact]
    public async Task UserDeleteRemovesTheUser()
    {
        await Run("user", "create", "alice", "--password", "pw-alice-123");
        (await Run("user", "delete", "alice")).Code.Should().Be(0);
        (await Services.GetRequiredService<IUserStore>().FindUserAsync("alice")).Should().BeNull();
        (await Run("user", "delete", "alice")).Code.Should().Be(AdminCli.Failed);
    }

    [Fact]
    public async Task UserPasswordReplacesTheHash()
    {
        await Run("user", "create", "alice", "--password", "old-password");
        var users = Services.GetRequiredService<IUserStore>();
        var before = (await users.FindUserAsync("alice"))!.PasswordHash;
        (await Run("user", "password", "alice", "--password", "new-password")).Code.Should().Be(0);
        var after = (await users.FindUserAsync("alice"))!;
        after.PasswordHash.Should().NotBe(before);
        var hasher = Services.GetRequiredService<WildDuck.Storage.Security.IPasswordHasher>();
        hasher.Verify("new-password", after.PasswordHash).Should().NotBe(WildDuck.Storage.Security.PasswordVerification.Failed);
    }

    [Fact]
    public async Task DuplicateUsersAndBadArgumentsGetClearErrors()
    {
        await Run("user", "create", "alice", "--password", "pw-alice-123");
        var duplicate = await Run("user", "create", "a.lice", "--password", "pw-alice-123");
        duplicate.Code.Should().Be(AdminCli.Failed);
        duplicate.Error.Should().Contain("exists");
        (await Run("user", "create", "carol")).Code.Should().Be(AdminCli.Usage);
        (await Run("user", "create", "carol", "--password", "x", "--quota", "lots")).Code.Should().Be(AdminCli.Usage);
        (await Run("user", "frobnicate")).Code.Should().Be(AdminCli.Usage);
    }

    [Fact]
    public async Task CheckPassesOnAHealthyStoreAndFailsOnDamage()
    {
        await Run("user", "create", "alice", "--password", "pw-alice-123");
        var messageDir = Path.Combine(DataDir.Path, "mail");
        Directory.CreateDirectory(messageDir);
        await System.IO.File.WriteAllTextAsync(Path.Combine(messageDir, "1.eml"), TestMessages.WithAttachment("one", 4096, 1));
        await System.IO.File.WriteAllTextAsync(Path.Combine(messageDir, "2.eml"), TestMessages.WithAttachment("two", 4096, 1));
        var import = await Run("user", "import", "alice", messageDir);
        import.Code.Should().Be(0, import.Output + import.Error);
        import.Output.Should().Contain("imported 2 message(s)");

        var healthy = await Run("check");
        healthy.Code.Should().Be(0, healthy.Output);
        healthy.Output.Should().Contain("store is consistent");

        // Damage the store behind the backend's back: a reference count that no longer matches.
        using (var connection = new SqliteConnection("Data Source=" + Path.Combine(DataDir.Path, "wildduck.db")))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE attachments SET refcount = refcount + 5; UPDATE mailboxes SET message_count = message_count + 1 WHERE path = 'INBOX';";
            command.ExecuteNonQuery();
        }

        var damaged = await Run("check");
        damaged.Code.Should().Be(AdminCli.Failed);
        damaged.Output.Should().Contain("DAMAGE [refcount]").And.Contain("DAMAGE [counter]");
    }

    private Task<(int Code, string Output, string Error)> Run(params string[] args) => _cli.Run(args);
}
