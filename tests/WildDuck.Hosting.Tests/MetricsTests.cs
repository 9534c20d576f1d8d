// SPDX-License-Identifier: MIT
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Hosting.Internal;
using Xunit;

namespace WildDuck.Hosting.Tests;

/// <summary>
/// The meter is process-wide, so these tests run alone (no other test adds to the counters while
/// they listen) and count only measurements tagged with their own listener.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Hosting metrics";
}

[Collection(MetricsCollection.Name)]
public class MetricsTests
{
    [Fact]
    public async Task CountsRefusedStartTlsAndConnectionLifecycle()
    {
        var listenerName = "metrics-" + Guid.NewGuid().ToString("N");
        var totals = new ConcurrentDictionary<string, long>();
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HostingMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? listener = null;
            string? reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "listener")
                {
                    listener = tag.Value as string;
                }
                else if (tag.Key == "reason")
                {
                    reason = tag.Value as string;
                }
            }

            var key = instrument.Name + "|" + listener + (reason is null ? string.Empty : "|" + reason);
            totals.AddOrUpdate(key, value, (_, v) => v + value);
        });
        meterListener.Start();

        // InMemoryConnection reports its listener as "memory".
        var (server, stream) = InMemoryConnection.Create(TlsMode.StartTls, TestCertificates.Server);
        await new LineClient(stream).WriteAsync("STARTTLS\r\nX\r\n");
        await new LineHandler().RunAsync(server, CancellationToken.None);
        await server.DisposeAsync();
        totals.GetValueOrDefault("wildduck.hosting.starttls.refused|memory").Should().Be(1);

        await using (var host = await TestServer.StartAsync(new LineHandler(), l =>
        {
            l.Name = listenerName;
            l.MaxConnections = 1;
        }))
        {
            var (tcp1, c1) = await host.ConnectAsync();
            using (tcp1)
            {
                (await c1.ReadLineAsync()).Should().Be("* OK ready");
                var (tcp2, c2) = await host.ConnectAsync();
                using (tcp2)
                {
                    (await c2.ReadLineAsync()).Should().BeNull();
                }
            }

            await ListenerTests.WaitUntilAsync(() => host.Listeners.ActiveConnections == 0);
        }

        totals.GetValueOrDefault("wildduck.hosting.connections.accepted|" + listenerName).Should().Be(1);
        totals.GetValueOrDefault("wildduck.hosting.connections.refused|" + listenerName + "|listener_limit").Should().Be(1);
        totals.GetValueOrDefault("wildduck.hosting.connections.active|" + listenerName).Should().Be(0, "every accepted connection was closed");
    }
}
