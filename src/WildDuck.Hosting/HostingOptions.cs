// SPDX-License-Identifier: MIT
using System;

namespace WildDuck.Hosting;

/// <summary>Settings shared by all listeners (configuration section <c>WildDuck:Hosting</c>).</summary>
public sealed class HostingOptions
{
    /// <summary>
    /// How long <see cref="ListenerHostedService.StopAsync"/> waits for handlers to say goodbye after
    /// <c>serverStopping</c> is cancelled before aborting the remaining connections. Default 5 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most concurrent connections across all listeners; further connections are closed at accept.
    /// Default 50,000. Bounds memory and file descriptors under a connection flood.
    /// </summary>
    public int MaxConnections { get; set; } = 50_000;
}
