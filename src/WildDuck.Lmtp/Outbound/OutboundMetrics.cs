// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace WildDuck.Lmtp.Outbound;

/// <summary>Counters of the outbound relay (meter <c>WildDuck.Outbound</c>), one update per attempt.</summary>
internal static class OutboundMetrics
{
    public const string MeterName = "WildDuck.Outbound";

    private static readonly Meter s_meter = new(MeterName, "1.0");

    private static readonly Counter<long> s_delivered = s_meter.CreateCounter<long>("wildduck.outbound.delivered", "{message}", "Queue entries the remote side accepted.");

    private static readonly Counter<long> s_deferred = s_meter.CreateCounter<long>("wildduck.outbound.deferred", "{message}", "Attempts that failed temporarily and were rescheduled.");

    private static readonly Counter<long> s_failed = s_meter.CreateCounter<long>("wildduck.outbound.failed", "{message}", "Queue entries failed permanently (5xx or retries exhausted).");

    public static void Delivered(string route) => s_delivered.Add(1, new KeyValuePair<string, object?>("route", route));

    public static void Deferred(string route) => s_deferred.Add(1, new KeyValuePair<string, object?>("route", route));

    public static void Failed(string route) => s_failed.Add(1, new KeyValuePair<string, object?>("route", route));
}
