// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;
using WildDuck.Storage;

namespace WildDuck.Hosting;

/// <summary>
/// Per-user connection limits for the protocol engines: the limit configured in
/// <see cref="ConnectionLimitOptions"/>, counted by the registered <see cref="IConnectionCounter"/>
/// (in-process by default, across instances with Redis). Engines acquire after authentication,
/// answer with their limit error on null, and dispose the lease when the session ends.
/// </summary>
internal sealed class ConnectionLimiter(IConnectionCounter counter, IOptions<ConnectionLimitOptions> options)
{
    private readonly ConnectionLimitOptions _options = options.Value;

    /// <summary>Takes one of <paramref name="user"/>'s slots on <paramref name="protocol"/>, or returns null at the limit.</summary>
    public ValueTask<ConnectionLease?> TryAcquireAsync(string protocol, UserId user, CancellationToken cancellationToken) =>
        counter.TryAcquireAsync(protocol, user, _options.GetLimit(protocol), cancellationToken);
}
