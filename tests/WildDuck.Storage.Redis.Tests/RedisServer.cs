// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;
using Xunit;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>
/// A real, throw-away <c>redis-server</c> on 127.0.0.1 and a free port, without persistence. It can
/// be stopped and started again on the same port, to test outages and recovery.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly string? Executable = FindOnPath("redis-server");
    private Process? _process;

    private RedisServer(int port) => Port = port;

    /// <summary>Why Redis tests are skipped here, or null when <c>redis-server</c> is installed.</summary>
    public static string? SkipReason => Executable is null
        ? "redis-server is not on PATH (./test.sh installs it); the Redis tests need a real server."
        : null;

    /// <summary>The port the server listens on, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    /// <summary>Skips the test when there is no redis-server, otherwise starts one.</summary>
    public static async Task<RedisServer> StartNewAsync()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var server = new RedisServer(FreePort());
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server (again) and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Executable!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");

        // Drain its output so that a full pipe can never stall it.
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await AnswersPingAsync())
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode}.");
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>Kills the server and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>How many clients are subscribed to <paramref name="channel"/> (<c>PUBSUB NUMSUB</c>).</summary>
    public async Task WaitForSubscribersAsync(string channel, int count)
    {
        using var admin = await ConnectionMultiplexer.ConnectAsync(Configuration);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var reply = (RedisResult[])(await admin.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
            if ((long)reply[1] >= count)
            {
                return;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>Waits (30 s at most) until <paramref name="connection"/> has reconnected by itself.</summary>
    public static async Task WaitConnectedAsync(IConnectionMultiplexer connection)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!connection.IsConnected)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return read >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A loopback port nothing listens on (the OS picks it).</summary>
    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
