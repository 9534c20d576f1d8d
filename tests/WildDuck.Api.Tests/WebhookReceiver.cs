// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WildDuck.Api.Tests;

/// <summary>
/// A real HTTP server on a loopback ephemeral port that receives webhook POSTs and records every
/// attempt (its answer status and JSON body); it answers 500 to the first <c>failFirst</c> ones.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<(int Status, JsonObject Body)> _received = Channel.CreateUnbounded<(int, JsonObject)>();
    private readonly System.Collections.Concurrent.ConcurrentQueue<long> _arrivals = new();
    private int _failFirst;

    private WebhookReceiver(WebApplication app, int failFirst)
    {
        _app = app;
        _failFirst = failFirst;
    }

    public string Url { get; private set; } = string.Empty;

    /// <summary>When each attempt arrived (<see cref="System.Diagnostics.Stopwatch"/> timestamps), in order.</summary>
    public IReadOnlyList<long> Arrivals => _arrivals.ToArray();

    /// <summary>Accepts every attempt from now on (a receiver that was down comes back).</summary>
    public void Recover() => Interlocked.Exchange(ref _failFirst, 0);

    /// <summary>True when no attempt is waiting to be read.</summary>
    public bool NothingMoreReceived => !_received.Reader.TryPeek(out _);

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, failFirst);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = address + "/hook";
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
        _arrivals.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
        var status = Interlocked.Decrement(ref _failFirst) >= 0 ? 500 : 200;
        context.Response.StatusCode = status;
        _received.Writer.TryWrite((status, body));
    }

    /// <summary>The next attempt received (waits for it; fails the test after a generous minute).</summary>
    public async Task<(int Status, JsonObject Body)> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The next successfully received event's body.</summary>
    public async Task<JsonObject> NextDeliveredAsync()
    {
        while (true)
        {
            var (status, body) = await NextAsync();
            if (status == 200)
            {
                return body;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
