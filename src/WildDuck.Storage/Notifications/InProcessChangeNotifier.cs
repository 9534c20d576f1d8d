// SPDX-License-Identifier: MIT
using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WildDuck.Storage.Notifications;

/// <summary>
/// The in-process notifier of the embedded default: a wake-up reaches every subscriber of the user
/// in this process synchronously. For several processes or hosts use the Redis notifier.
/// </summary>
/// <remarks>
/// Subscribers are kept in copy-on-write arrays per user so that publishing takes no lock and
/// allocates nothing; subscribing and unsubscribing (rare: session login/logout) copy the array.
/// </remarks>
public sealed partial class InProcessChangeNotifier : IChangeNotifier
{
    private readonly ConcurrentDictionary<UserId, Subscription[]> _subscribers = new();
    private readonly ILogger _logger;

    /// <summary>Creates the notifier.</summary>
    public InProcessChangeNotifier(ILogger<InProcessChangeNotifier>? logger = null) =>
        _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <inheritdoc />
    public ValueTask NotifyAsync(UserId user, CancellationToken cancellationToken = default)
    {
        if (_subscribers.TryGetValue(user, out var list))
        {
            foreach (var subscription in list)
            {
                try
                {
                    subscription.Callback();
                }
                catch (Exception ex)
                {
                    // A faulty subscriber must not break the writer that committed the change.
                    LogSubscriberFailed(_logger, ex, user.ToString());
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(UserId user, Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        var subscription = new Subscription(this, user, onChange);
        _subscribers.AddOrUpdate(
            user,
            static (_, s) => new[] { s },
            static (_, existing, s) =>
            {
                var copy = new Subscription[existing.Length + 1];
                existing.CopyTo(copy, 0);
                copy[^1] = s;
                return copy;
            },
            subscription);
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        while (_subscribers.TryGetValue(subscription.User, out var existing))
        {
            var index = Array.IndexOf(existing, subscription);
            if (index < 0)
            {
                return;
            }

            if (existing.Length == 1)
            {
                if (_subscribers.TryRemove(new(subscription.User, existing)))
                {
                    return;
                }

                continue;
            }

            var copy = new Subscription[existing.Length - 1];
            Array.Copy(existing, 0, copy, 0, index);
            Array.Copy(existing, index + 1, copy, index, existing.Length - index - 1);
            if (_subscribers.TryUpdate(subscription.User, copy, existing))
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "A change subscriber for user {User} threw.")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, string user);

    private sealed class Subscription(InProcessChangeNotifier owner, UserId user, Action callback) : IDisposable
    {
        private int _disposed;

        public UserId User { get; } = user;

        public Action Callback { get; } = callback;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(this);
            }
        }
    }
}
