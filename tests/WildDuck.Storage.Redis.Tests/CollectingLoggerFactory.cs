// SPDX-License-Identifier: MIT
using System;
using System.Collections.Concurrent;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>Records the event ids of every log entry, to count how often something was logged.</summary>
internal sealed class CollectingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<int> _events = new();

    public int Count(int eventId) => _events.Count(e => e == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(_events);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<int> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            events.Enqueue(eventId.Id);
    }
}
