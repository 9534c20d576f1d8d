// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace WildDuck.Api.Internal;

/// <summary>Request metrics of the API (meter <c>WildDuck.Api</c>), one update per request, tagged by route and status.</summary>
internal static class ApiMetrics
{
    public const string MeterName = "WildDuck.Api";

    private static readonly Meter s_meter = new(MeterName, "1.0");

    private static readonly Counter<long> s_requests = s_meter.CreateCounter<long>("wildduck.api.requests", "{request}", "API requests answered, by route and status code.");

    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram<double>("wildduck.api.request.duration", "ms", "Time to answer an API request.");

    public static void Answered(ApiRoute route, int status, double milliseconds)
    {
        var tags = new[]
        {
            new KeyValuePair<string, object?>("route", route.OperationId),
            new KeyValuePair<string, object?>("status", status),
        };
        s_requests.Add(1, tags);
        s_duration.Record(milliseconds, tags);
    }
}
