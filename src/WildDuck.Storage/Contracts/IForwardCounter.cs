// SPDX-License-Identifier: MIT
using System;
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

    /// <summary>
    /// Reads <paramref name="user"/>'s current window without counting anything, for reporting
    /// (the API's <c>limits.forwards</c> and <c>limits.recipients</c>, reference §8.3).
    /// </summary>
    /// <param name="user">The user (or forwarded address id) whose window is read.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The count in the current window and the time until it ends; <see cref="CounterUsage.None"/> when no window is open.</returns>
    ValueTask<CounterUsage> GetUsageAsync(UserId user, CancellationToken cancellationToken = default);
}

/// <summary>The state of one daily counter window, as <see cref="IForwardCounter.GetUsageAsync"/> reads it.</summary>
/// <param name="Used">What the current window has counted; 0 when no window is open.</param>
/// <param name="TimeToReset">How long until the window ends and the count starts again from zero; null when no window is open.</param>
public readonly record struct CounterUsage(long Used, TimeSpan? TimeToReset)
{
    /// <summary>No open window: nothing counted, nothing to wait for.</summary>
    public static CounterUsage None => default;
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
