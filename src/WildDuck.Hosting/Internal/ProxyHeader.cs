// SPDX-License-Identifier: MIT
using System.Net;

namespace WildDuck.Hosting.Internal;

/// <summary>What a PROXY protocol header said.</summary>
/// <param name="Version">1 (text) or 2 (binary).</param>
/// <param name="Source">The original client address; null for UNKNOWN/LOCAL/UNSPEC (keep the socket's).</param>
/// <param name="Destination">The address the client connected to; null when <paramref name="Source"/> is.</param>
internal readonly record struct ProxyHeader(int Version, IPEndPoint? Source, IPEndPoint? Destination);

/// <summary>Outcome of <c>ProxyProtocolParser.TryParse</c>.</summary>
internal enum ProxyParseStatus
{
    /// <summary>The bytes so far are a valid prefix; nothing was consumed.</summary>
    NeedMoreData,

    /// <summary>A complete header was parsed.</summary>
    Done,

    /// <summary>Not a PROXY header, malformed, or over the size limit; close the connection.</summary>
    Invalid,
}
