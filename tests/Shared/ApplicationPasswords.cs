// SPDX-License-Identifier: MIT
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;
using WildDuck.Storage.Security;

namespace WildDuck.Testing;

/// <summary>Creates application-specific passwords through the real store, as the API does (linked into the protocol test projects).</summary>
internal static class ApplicationPasswords
{
    /// <summary>Creates a password with <paramref name="scopes"/> for <paramref name="user"/> and returns it in clear.</summary>
    public static async System.Threading.Tasks.Task<string> CreateAsync(System.IServiceProvider services, UserId user, params string[] scopes)
    {
        var hasher = services.GetRequiredService<IPasswordHasher>();
        var password = AccountPasswords.NewApplicationPassword();
        var now = System.DateTimeOffset.UtcNow;
        await services.GetRequiredService<IAspStore>().CreateAspAsync(
            new AspRecord
            {
                Id = EntityId.NewId(),
                User = user,
                Description = "MailKit",
                Scopes = AccountPasswords.NormalizeApplicationScopes(scopes)!,
                PasswordHash = hasher.Hash(password),
                Selector = AccountPasswords.Selector(password),
                Created = now,
            },
            50,
            now);
        return password;
    }
}
