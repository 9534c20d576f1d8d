// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace WildDuck.Imap.Tests.ImapTest;

/// <summary>
/// Runs one script through Dovecot's own <c>imaptest</c> program (its <c>test=</c> mode) against a fresh
/// <see cref="ImapTestServer"/>. imaptest speaks TCP, the test server in-memory connections, so each accepted loopback
/// socket is bridged to a new engine session. imaptest itself is not part of this repository: the path of a locally
/// built binary comes from <c>WILDDUCK_IMAPTEST_BIN</c> (docs/compliance.md describes how to build one).
/// </summary>
public static class ImapTestBinaryRunner
{
    /// <summary>Only a guard against a hung run; a script normally finishes in well under a second.</summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromMinutes(2);

    /// <summary>How a script run ended, from imaptest's summary line.</summary>
    public enum Outcome
    {
        /// <summary>"1 test groups: 0 failed, 0 skipped".</summary>
        Passed,

        /// <summary>imaptest skipped the script: the server lacks a capability from the script's header.</summary>
        SkippedForCapabilities,

        /// <summary>A command's replies did not match, or the run broke off.</summary>
        Failed,
    }

    public sealed record Result(Outcome Outcome, string Output);

    public static async Task<Result> RunAsync(string binary, string scriptPath)
    {
        await using var server = await ImapTestServer.StartAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var accepting = AcceptAsync(server, listener, stop.Token);
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var output = await RunProcessAsync(binary, $"host=127.0.0.1 port={port} user={ImapTestServer.User} pass={ImapTestServer.Password} test={scriptPath}");
            return new Result(Classify(output), output);
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            await accepting;
        }
    }

    private static Outcome Classify(string output)
    {
        if (output.Contains("1 test groups: 0 failed, 0 skipped", StringComparison.Ordinal))
        {
            return Outcome.Passed;
        }

        return output.Contains("1 test groups: 0 failed, 1 skipped", StringComparison.Ordinal) ? Outcome.SkippedForCapabilities : Outcome.Failed;
    }

    private static async Task AcceptAsync(ImapTestServer server, TcpListener listener, CancellationToken stopping)
    {
        var bridges = new System.Collections.Generic.List<Task>();
        try
        {
            while (true)
            {
                var socket = await listener.AcceptTcpClientAsync(stopping);
                bridges.Add(BridgeAsync(server, socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The listener stopped: the run is over.
        }

        await Task.WhenAll(bridges);
    }

    /// <summary>Copies bytes both ways between the TCP client and an in-memory engine session until either side closes.</summary>
    private static async Task BridgeAsync(ImapTestServer server, TcpClient socket)
    {
        using (socket)
        {
            var (engine, session) = server.Connect();
            await using (engine)
            {
                var network = socket.GetStream();
                var toEngine = CopyThenCloseAsync(network, engine);
                var toClient = CopyThenCloseAsync(engine, network);
                await Task.WhenAny(toEngine, toClient);
                socket.Close();
                await engine.DisposeAsync();
                await Task.WhenAll(toEngine, toClient, session);
            }
        }
    }

    private static async Task CopyThenCloseAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to);
            await to.FlushAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // One side went away; the bridge closes both.
        }
    }

    private static async Task<string> RunProcessAsync(string binary, string arguments)
    {
        var start = new ProcessStartInfo(binary, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(s_hangGuard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"imaptest did not finish within {s_hangGuard}: {arguments}");
        }

        var text = new StringBuilder();
        text.Append(await stderr).Append(await stdout);
        return text.ToString();
    }
}
