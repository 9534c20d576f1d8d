// SPDX-License-Identifier: MIT
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Hosting.Internal;
using Xunit;

namespace WildDuck.Hosting.Tests;

public class MetricsTests
{
    [Fact]
    public async Task CountsRefusedStartTlsAndConnectionLifecycle()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HostingMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        meterListener.Start();

        var (server, stream) = InMemoryConnection.Create(TlsMode.StartTls, TestCertificates.Server);
        await new LineClient(stream).WriteAsync("STARTTLS\r\nX\r\n");
        await new LineHandler().RunAsync(server, CancellationToken.None);
        await server.DisposeAsync();
        totals.GetValueOrDefault("wildduck.hosting.starttls.refused").Should().BeGreaterThanOrEqualTo(1);

        await using (var host = await TestServer.StartAsync(new LineHandler(), l => l.MaxConnections = 1))
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

        totals.GetValueOrDefault("wildduck.hosting.connections.accepted").Should().BeGreaterThanOrEqualTo(1);
        totals.GetValueOrDefault("wildduck.hosting.connections.refused").Should().BeGreaterThanOrEqualTo(1);
    }
}
