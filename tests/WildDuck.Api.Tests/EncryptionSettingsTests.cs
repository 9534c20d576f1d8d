// SPDX-License-Identifier: MIT
using System.Net.Http;
using WildDuck.Storage;
using WildDuck.Tests.Shared;

namespace WildDuck.Api.Tests;

/// <summary>pubKey, encryptMessages and encryptForwarded through the user API (reference §7.9, §8.3).</summary>
public sealed class EncryptionSettingsTests : IClassFixture<ApiHost>
{
    private static readonly Lazy<PgpTestKeys> Keys = new(() => PgpTestKeys.Generate("Alice Example <alice@example.org>"));

    private readonly ApiHost _api;

    public EncryptionSettingsTests(ApiHost api) => _api = api;

    [Fact]
    public async Task A_valid_key_is_stored_and_described_by_keyInfo()
    {
        var name = _api.NewName("pgp");
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject
        {
            ["username"] = name, ["password"] = ApiHost.Password, ["pubKey"] = Keys.Value.ArmoredPublicKey, ["encryptMessages"] = true,
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var id = (string)body["id"]!;

        (status, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + id);
        status.Should().Be(HttpStatusCode.OK);
        ((bool)body["encryptMessages"]!).Should().BeTrue();
        ((bool)body["encryptForwarded"]!).Should().BeFalse();
        ((string)body["pubKey"]!).Should().Be(Keys.Value.ArmoredPublicKey);
        ((string)body["keyInfo"]!["fingerprint"]!).Should().Be(Keys.Value.Fingerprint);
        ((string)body["keyInfo"]!["address"]!).Should().Be("alice@example.org");
        ((string)body["keyInfo"]!["name"]!).Should().Be("Alice Example");

        // Removing the key needs encryption off too; then keyInfo is null.
        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + id, json: new JsonObject { ["pubKey"] = string.Empty, ["encryptMessages"] = true });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!["encryptMessages"].Should().NotBeNull();
        (status, _) = await _api.CallAsync(HttpMethod.Put, "/users/" + id, json: new JsonObject { ["pubKey"] = string.Empty, ["encryptMessages"] = false });
        status.Should().Be(HttpStatusCode.OK);
        (_, body) = await _api.CallAsync(HttpMethod.Get, "/users/" + id);
        body["keyInfo"].Should().BeNull();
        ((string)body["pubKey"]!).Should().BeEmpty();
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n")]
    [InlineData("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nAAAA\n-----END PGP PRIVATE KEY BLOCK-----\n")]
    public async Task A_bad_key_is_400_on_create_and_update(string key)
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["username"] = _api.NewName("badkey"), ["password"] = ApiHost.Password, ["pubKey"] = key });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!["pubKey"].Should().NotBeNull();

        var user = await _api.CreateUserAsync();
        (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["pubKey"] = key });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!["pubKey"].Should().NotBeNull();
        (await _api.Users.GetUserAsync(user.Id))!.PublicKey.Should().BeNull();
    }

    [Fact]
    public async Task A_key_below_1024_bits_is_refused()
    {
        var weak = PgpTestKeys.Generate(bits: 512);
        var user = await _api.CreateUserAsync();
        var (status, body) = await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["pubKey"] = weak.ArmoredPublicKey });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        ((string)body["details"]!["pubKey"]!).Should().Contain("1024");
    }

    [Fact]
    public async Task Encryption_without_a_key_is_400()
    {
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users", json: new JsonObject { ["username"] = _api.NewName("nokey"), ["password"] = ApiHost.Password, ["encryptForwarded"] = true });
        status.Should().Be(HttpStatusCode.BadRequest, body.ToJsonString());
        body["details"]!["encryptForwarded"].Should().NotBeNull();
    }

    [Fact]
    public async Task Uploads_and_sent_copies_are_stored_encrypted_but_drafts_are_not()
    {
        var user = await _api.CreateUserAsync();
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["pubKey"] = Keys.Value.ArmoredPublicKey, ["encryptMessages"] = true })).Status.Should().Be(HttpStatusCode.OK);
        var inbox = await _api.InboxAsync(user);
        var original = TestMessages.Simple("uploaded secret");
        var (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages", json: new JsonObject { ["raw"] = Encoding.ASCII.GetString(original) });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var stored = await _api.StoredBytesAsync(user, inbox.Id, (uint)(long)body["message"]!["id"]!);
        Encoding.ASCII.GetString(stored).Should().Contain("multipart/encrypted").And.NotContain("Body of uploaded secret");
        Encoding.ASCII.GetString(Keys.Value.DecryptArmoredBlock(stored)).Should().Be("\r\nBody of uploaded secret\r\n", "a message without content fields encrypts a blank line and its body");
        var (_, message) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages/" + (long)body["message"]!["id"]!);
        ((bool)message["encrypted"]!).Should().BeTrue();
        ((string)message["subject"]!).Should().Be("uploaded secret", "header fields stay outside the encrypted part");
        var (_, list) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes/" + inbox.Id + "/messages");
        ((bool)list["results"]![0]!["encrypted"]!).Should().BeTrue();

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["to"] = new JsonArray(new JsonObject { ["address"] = "friend@example.com" }),
            ["text"] = "sent secret",
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var sent = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Sent))!;
        var copy = Encoding.ASCII.GetString(await _api.StoredBytesAsync(user, sent.Id, (uint)(long)body["message"]!["id"]!));
        copy.Should().Contain("multipart/encrypted").And.NotContain("sent secret");

        (status, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/submit", json: new JsonObject
        {
            ["to"] = new JsonArray(new JsonObject { ["address"] = "friend@example.com" }),
            ["text"] = "draft text",
            ["isDraft"] = true,
        });
        status.Should().Be(HttpStatusCode.OK, body.ToJsonString());
        var drafts = (await _api.Mailboxes.FindSpecialUseAsync(user.Id, SpecialUse.Drafts))!;
        Encoding.ASCII.GetString(await _api.StoredBytesAsync(user, drafts.Id, (uint)(long)body["message"]!["id"]!)).Should().Contain("draft text");
    }

    [Fact]
    public async Task A_mailbox_with_encryptMessages_stores_uploads_encrypted_while_the_user_setting_is_off()
    {
        var user = await _api.CreateUserAsync();
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id, json: new JsonObject { ["pubKey"] = Keys.Value.ArmoredPublicKey })).Status.Should().Be(HttpStatusCode.OK);
        var (status, created) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/mailboxes", json: new JsonObject { ["path"] = "Vault", ["encryptMessages"] = true });
        status.Should().Be(HttpStatusCode.OK, created.ToJsonString());
        var vault = (string)created["id"]!;
        var (_, list) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes");
        list["results"]!.AsArray().Single(m => (string)m!["path"]! == "Vault")!["encryptMessages"]!.GetValue<bool>().Should().BeTrue();
        list["results"]!.AsArray().Single(m => (string)m!["path"]! == "INBOX")!["encryptMessages"]!.GetValue<bool>().Should().BeFalse();

        async Task<string> UploadAsync(string mailbox, bool draft = false)
        {
            var (uploaded, body) = await _api.CallAsync(HttpMethod.Post, "/users/" + user.Id + "/mailboxes/" + mailbox + "/messages", json: new JsonObject { ["raw"] = Encoding.ASCII.GetString(TestMessages.Simple("vaulted")), ["draft"] = draft });
            uploaded.Should().Be(HttpStatusCode.OK, body.ToJsonString());
            MailboxId.TryParse(mailbox, out var id).Should().BeTrue();
            return Encoding.ASCII.GetString(await _api.StoredBytesAsync(user, id, (uint)(long)body["message"]!["id"]!));
        }

        (await UploadAsync(vault)).Should().Contain("multipart/encrypted").And.NotContain("Body of vaulted");
        (await UploadAsync(vault, draft: true)).Should().Contain("Body of vaulted", "drafts are never encrypted");
        var inbox = await _api.InboxAsync(user);
        (await UploadAsync(inbox.Id.ToString())).Should().Contain("Body of vaulted", "neither INBOX nor the user asks for encryption");

        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/mailboxes/" + vault, json: new JsonObject { ["encryptMessages"] = false })).Status.Should().Be(HttpStatusCode.OK);
        var (_, one) = await _api.CallAsync(HttpMethod.Get, "/users/" + user.Id + "/mailboxes/" + vault);
        one["encryptMessages"]!.GetValue<bool>().Should().BeFalse();
        (await UploadAsync(vault)).Should().Contain("Body of vaulted");
        (await _api.CallAsync(HttpMethod.Put, "/users/" + user.Id + "/mailboxes/" + vault, json: new JsonObject { ["encryptMessages"] = "yes" })).Status.Should().Be(HttpStatusCode.BadRequest);
    }
}
