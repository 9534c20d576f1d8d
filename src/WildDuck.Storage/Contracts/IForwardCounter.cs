// SPDX-License-Identifier: MIT
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Storage;

/// <summary>
/// Counts the copies forwarded for each user in fixed windows (one day by default) that start at the
/// first forward of the window, for the daily forward limit (WildDuck's <c>wdf:&lt;id&gt;</c> counter,
/// <c>MAX_FORWARDS</c>). A delivery asks for all of a message's forwarded copies at once: either all
/// are counted or none is. A forwarded address is counted under its own id (WildDuck's
/// <c>wdf:&lt;addressId&gt;</c>) wrapped as a <see cref="UserId"/>; ids never collide.
/// </summary>
/// <remarks>
/// The default (registered by <see cref="WildDuckServiceCollectionExtensions.AddWildDuck"/>) is
/// <see cref="Counters.InMemoryForwardCounter"/>, which counts in this process; <c>UseRedis()</c>
/// replaces it with one that counts across every instance sharing the Redis server, so that N
/// instances do not allow N times the limit. Implementations must never fail or hold up a delivery
/// because shared state is unavailable: they fall back to counting locally instead.
/// </remarks>
public interface IForwardCounter
{
    /// <summary>
    /// Counts <paramref name="count"/> forwards for <paramref name="user"/> unless the window's total
    /// would then pass <paramref name="limit"/>; a refused request counts nothing.
    /// </summary>
    /// <param name="user">The user whose messages are forwarded.</param>
    /// <param name="count">Copies to count (the forward targets of one message); not negative.</param>
    /// <param name="limit">Copies allowed per window (zero refuses every forward); not negative.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>True when the copies were counted and may be forwarded; false when the limit refuses them.</returns>
    ValueTask<bool> TryConsumeAsync(UserId user, int count, int limit, CancellationToken cancellationToken = default);
}

/// <summary>
/// Keys of the other daily per-user counters registered as keyed <see cref="IForwardCounter"/>
/// services: the same mechanism (fixed windows, all or nothing, in-process by default, shared by
/// <c>UseRedis()</c>) counting something other than forwards.
/// </summary>
public static class CounterKeys
{
    /// <summary>
    /// Recipients submitted per user per day (WildDuck's <c>wdr:&lt;user&gt;</c> counter, the API submit's
    /// <c>MaxRecipientsPerDay</c>): <c>GetRequiredKeyedService&lt;IForwardCounter&gt;(CounterKeys.SubmittedRecipients)</c>.
    /// </summary>
    public const string SubmittedRecipients = "wildduck:submitted-recipients";
}
