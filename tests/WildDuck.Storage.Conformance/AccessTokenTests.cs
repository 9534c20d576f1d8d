// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.Conformance;

public abstract partial class StorageConformanceTests
{
    private IAccessTokenStore Tokens
    {
        get
        {
            Skip.If(Backend.AccessTokens is null, "The backend has no access token store.");
            return Backend.AccessTokens!;
        }
    }

    private static AccessTokenRecord Token(UserRecord user, string hash, DateTimeOffset created, TimeSpan ttl) => new()
    {
        TokenHash = hash,
        User = user.Id,
        Role = "user",
        AuthVersion = user.AuthVersion,
        Created = created,
        Expires = created + ttl,
    };

    [SkippableFact]
    public async Task An_access_token_round_trips_by_hash_and_is_deleted_once()
    {
        SkipIfUnavailable();
        var tokens = Tokens;
        var user = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        var token = Token(user, new string('a', 64), now, TimeSpan.FromDays(14));
        await tokens.CreateTokenAsync(token);

        var read = await tokens.GetTokenAsync(token.TokenHash, now);
        read.Should().NotBeNull();
        read!.User.Should().Be(user.Id);
        read.Role.Should().Be("user");
        read.AuthVersion.Should().Be(user.AuthVersion);
        read.Expires.ToUnixTimeMilliseconds().Should().Be(token.Expires.ToUnixTimeMilliseconds());
        (await tokens.GetTokenAsync(new string('b', 64), now)).Should().BeNull("another hash");

        (await tokens.DeleteTokenAsync(token.TokenHash)).Should().BeTrue();
        (await tokens.DeleteTokenAsync(token.TokenHash)).Should().BeFalse();
        (await tokens.GetTokenAsync(token.TokenHash, now)).Should().BeNull();
    }

    [SkippableFact]
    public async Task An_expired_access_token_is_not_returned_and_is_purged()
    {
        SkipIfUnavailable();
        var tokens = Tokens;
        var user = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        await tokens.CreateTokenAsync(Token(user, new string('c', 64), now.AddHours(-2), TimeSpan.FromHours(1)));
        await tokens.CreateTokenAsync(Token(user, new string('d', 64), now, TimeSpan.FromHours(1)));

        (await tokens.GetTokenAsync(new string('c', 64), now)).Should().BeNull("it expired an hour ago");
        (await tokens.GetTokenAsync(new string('d', 64), now.AddHours(2))).Should().BeNull("it is expired at that time");
        (await tokens.DeleteExpiredTokensAsync(now)).Should().Be(1);
        (await tokens.GetTokenAsync(new string('d', 64), now)).Should().NotBeNull();
    }

    [SkippableFact]
    public async Task An_access_token_expiry_slides_only_while_it_is_valid()
    {
        SkipIfUnavailable();
        var tokens = Tokens;
        var user = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        await tokens.CreateTokenAsync(Token(user, new string('1', 64), now, TimeSpan.FromHours(1)));
        (await tokens.ExtendTokenAsync(new string('1', 64), now.AddHours(5), now)).Should().BeTrue();
        (await tokens.GetTokenAsync(new string('1', 64), now.AddHours(4))).Should().NotBeNull("the expiry moved");
        (await tokens.ExtendTokenAsync(new string('1', 64), now.AddHours(9), now.AddHours(6))).Should().BeFalse("it had expired");
        (await tokens.GetTokenAsync(new string('1', 64), now.AddHours(6))).Should().BeNull();
        (await tokens.ExtendTokenAsync(new string('2', 64), now.AddHours(9), now)).Should().BeFalse("unknown");
    }

    [SkippableFact]
    public async Task Access_tokens_need_an_existing_user_a_unique_hash_and_die_with_the_user()
    {
        SkipIfUnavailable();
        var tokens = Tokens;
        var user = await CreateUserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        var ghost = user with { Id = UserId.NewId() };
        var act = () => tokens.CreateTokenAsync(Token(ghost, new string('e', 64), now, TimeSpan.FromHours(1)));
        (await act.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.NotFound);

        await tokens.CreateTokenAsync(Token(user, new string('f', 64), now, TimeSpan.FromHours(1)));
        var again = () => tokens.CreateTokenAsync(Token(user, new string('f', 64), now, TimeSpan.FromHours(1)));
        (await again.Should().ThrowAsync<StorageException>()).Which.Error.Should().Be(StorageError.AlreadyExists);

        (await Users.DeleteUserAsync(user.Id)).Should().BeTrue();
        (await tokens.GetTokenAsync(new string('f', 64), now)).Should().BeNull("deleting the user deletes its tokens");
    }
}
