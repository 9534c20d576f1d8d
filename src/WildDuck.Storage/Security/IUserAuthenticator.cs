// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage.Security;

/// <summary>Checks a username and password for a protocol (reference §7.2 <c>authenticate</c>).</summary>
public interface IUserAuthenticator
{
    /// <summary>Authenticates a login attempt.</summary>
    /// <param name="username">A username (matched without dots) or one of the user's addresses.</param>
    /// <param name="password">The password, exactly as given (never trimmed).</param>
    /// <param name="context">The required scope and remote address.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>The result; failures are results, not exceptions.</returns>
    Task<AuthenticationResult> AuthenticateAsync(string username, string password, AuthenticationContext context, CancellationToken ct = default);
}
