// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace WildDuck.Hosting;

/// <summary>
/// Per-user connection limits, set with <c>ConfigureConnectionLimits</c>; <c>AddImap</c> sets the
/// IMAP entry from <c>ImapOptions.MaxConnectionsPerUser</c> (configuration <c>WildDuck:Imap:MaxConnectionsPerUser</c>).
/// </summary>
public sealed class ConnectionLimitOptions
{
    /// <summary>
    /// Limit for protocols not listed in <see cref="PerProtocol"/>. Default 15 (WildDuck's
    /// <c>imap.maxConnections</c>). Stops one account (or one leaked password) from exhausting the
    /// server's connection slots.
    /// </summary>
    public int DefaultLimit { get; set; } = 15;

    /// <summary>Limits by protocol name (case-insensitive). Default: <c>imap</c> = 15.</summary>
    public IDictionary<string, int> PerProtocol { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["imap"] = 15 };

    /// <summary>The limit that applies to <paramref name="protocol"/>.</summary>
    /// <param name="protocol">Protocol name.</param>
    /// <returns>The limit.</returns>
    public int GetLimit(string protocol) => PerProtocol.TryGetValue(protocol, out int limit) ? limit : DefaultLimit;
}
