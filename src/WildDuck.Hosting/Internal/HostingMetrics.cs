// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace WildDuck.Hosting.Internal;

/// <summary>
/// Counters of the connection runtime (meter <c>WildDuck.Hosting</c>). Updated per connection
/// event, never per byte.
/// </summary>
internal static class HostingMetrics
{
    public const string MeterName = "WildDuck.Hosting";

    private static readonly Meter s_meter = new(MeterName, "1.0");

    private static readonly UpDownCounter<long> s_active = s_meter.CreateUpDownCounter<long>("wildduck.hosting.connections.active", "{connection}", "Connections from accept to close.");

    private static readonly Counter<long> s_accepted = s_meter.CreateCounter<long>("wildduck.hosting.connections.accepted", "{connection}", "Connections accepted.");

    private static readonly Counter<long> s_refused = s_meter.CreateCounter<long>("wildduck.hosting.connections.refused", "{connection}", "Connections closed before the session: limits, PROXY header, handshake.");

    private static readonly Counter<long> s_startTlsRefused = s_meter.CreateCounter<long>("wildduck.hosting.starttls.refused", "{command}", "STARTTLS refused because plaintext was pipelined after the command.");

    public static void Accepted(string listener)
    {
        var tag = new KeyValuePair<string, object?>("listener", listener);
        s_accepted.Add(1, tag);
        s_active.Add(1, tag);
    }

    public static void Closed(string listener) => s_active.Add(-1, new KeyValuePair<string, object?>("listener", listener));

    public static void Refused(string listener, string reason)
        => s_refused.Add(1, new KeyValuePair<string, object?>("listener", listener), new KeyValuePair<string, object?>("reason", reason));

    public static void StartTlsInjection(string? listener) => s_startTlsRefused.Add(1, new KeyValuePair<string, object?>("listener", listener));
}
