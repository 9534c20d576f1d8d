// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit;
using Xunit.Abstractions;

namespace WildDuck.Storage.Redis.Tests;

/// <summary>
/// Two real sample-host processes sharing one SQLite data directory and one Redis behave as one server:
/// a delivery through B's LMTP wakes an IDLE client on A, flags stored through B show up on A, and the
/// per-user connection limit and the POP3 maildrop lock count the sessions of both.
/// </summary>
public sealed class TwoInstancesTests : IAsyncLifetime
{
    private static readonly TimeSpan SignalTimeout = TimeSpan.FromSeconds(5);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wildduck-tests", Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;
    private readonly List<ServerProcess> _servers = new();
    private RedisServer? _redis;

    public TwoInstancesTests(ITestOutputHelper output) => _output = output;

    public Task InitializeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task An_IDLE_client_on_one_instance_sees_deliveries_and_flags_from_the_other()
    {
        _redis = await RedisServer.StartNewAsync();
        Directory.CreateDirectory(_directory);

        await RunAdminAsync("user", "create", "alice", "--password", "secret", "--address", "alice@example.org");

        var a = ServerProcess.Start(_directory, _redis.Configuration);
        _servers.Add(a);
        var b = ServerProcess.Start(_directory, _redis.Configuration);
        _servers.Add(b);
        await a.WaitUntilListeningAsync();
        await b.WaitUntilListeningAsync();

        using var clientA = await ConnectAsync(a.ImapPort);
        var inboxA = clientA.Inbox;
        await inboxA.OpenAsync(FolderAccess.ReadWrite);
        var initialCount = inboxA.Count;

        // 1. A delivery through B's LMTP must wake A's IDLE.
        // The handlers record when the event arrived, since it can come before the action has returned.
        var countChanged = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        inboxA.CountChanged += (_, _) =>
        {
            if (inboxA.Count > initialCount)
            {
                countChanged.TrySetResult(Stopwatch.GetTimestamp());
            }
        };

        var deliveryLatency = await IdleUntilAsync(clientA, countChanged.Task, async () =>
        {
            await DeliverAsync(b.LmtpPort, "alice@example.org");
        }, "the new message delivered through B", a, b);
        _output.WriteLine($"Delivery through B's LMTP seen by IDLE on A {deliveryLatency.TotalMilliseconds:F1} ms after the LMTP session started.");

        // 2. \Flagged stored through B must show up on A.
        var flagsChanged = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        inboxA.MessageFlagsChanged += (_, e) =>
        {
            if (e.Flags.HasFlag(MailKit.MessageFlags.Flagged))
            {
                flagsChanged.TrySetResult(Stopwatch.GetTimestamp());
            }
        };

        using var clientB = await ConnectAsync(b.ImapPort);
        var inboxB = clientB.Inbox;
        await inboxB.OpenAsync(FolderAccess.ReadWrite);
        inboxB.Count.Should().Be(initialCount + 1, "B sees the message in the shared store");

        var flagLatency = await IdleUntilAsync(clientA, flagsChanged.Task, async () =>
        {
            await inboxB.AddFlagsAsync(inboxB.Count - 1, MailKit.MessageFlags.Flagged, silent: true);
        }, "the \\Flagged set through B", a, b);
        _output.WriteLine($"\\Flagged stored through B seen by IDLE on A {flagLatency.TotalMilliseconds:F1} ms after the STORE was sent.");

        await clientB.DisconnectAsync(true);
        await clientA.DisconnectAsync(true);
    }

    [SkippableFact]
    public async Task The_per_user_connection_limit_and_the_POP3_lock_count_the_sessions_of_both_instances()
    {
        _redis = await RedisServer.StartNewAsync();
        Directory.CreateDirectory(_directory);
        await RunAdminAsync("user", "create", "alice", "--password", "secret", "--address", "alice@example.org");
        var limit = ("WildDuck__Imap__MaxConnectionsPerUser", "2");
        var a = ServerProcess.Start(_directory, _redis.Configuration, limit);
        _servers.Add(a);
        var b = ServerProcess.Start(_directory, _redis.Configuration, limit);
        _servers.Add(b);
        await a.WaitUntilListeningAsync();
        await b.WaitUntilListeningAsync();

        // IMAP: two sessions on A take both slots, so B refuses a third.
        using var first = await ConnectAsync(a.ImapPort);
        using var second = await ConnectAsync(a.ImapPort);
        (await ImapLoginAsync(b.ImapPort)).Should().StartWith("a NO [LIMIT]", $"A's two sessions count on B.\nA:\n{a.Log}\nB:\n{b.Log}");

        // Ending one on A frees its slot for B (released when A's session ends, just after LOGOUT's reply).
        await second.DisconnectAsync(true);
        var until = Stopwatch.StartNew();
        string reply;
        while (!(reply = await ImapLoginAsync(b.ImapPort)).StartsWith("a OK", StringComparison.Ordinal))
        {
            reply.Should().StartWith("a NO [LIMIT]");
            until.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), $"the slot is released.\nA:\n{a.Log}\nB:\n{b.Log}");
            await Task.Delay(100);
        }

        // POP3: a session on A holds the maildrop lock; B answers [IN-USE] until it ends.
        using (var pop3 = await TextClient.ConnectAsync(a.Pop3Port))
        {
            (await Pop3LoginAsync(pop3)).Should().StartWith("+OK");
            using var other = await TextClient.ConnectAsync(b.Pop3Port);
            (await Pop3LoginAsync(other)).Should().StartWith("-ERR [IN-USE]", $"A holds the maildrop lock.\nA:\n{a.Log}\nB:\n{b.Log}");
        }

        until.Restart();
        while (true)
        {
            using var retry = await TextClient.ConnectAsync(b.Pop3Port);
            if ((reply = await Pop3LoginAsync(retry)).StartsWith("+OK", StringComparison.Ordinal))
            {
                break;
            }

            reply.Should().StartWith("-ERR [IN-USE]");
            until.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the lock is released when A's session ends");
            await Task.Delay(100);
        }

        await first.DisconnectAsync(true);
    }

    /// <summary>LOGIN on a new connection; returns the tagged reply and closes the connection (which ends the session).</summary>
    private static async Task<string> ImapLoginAsync(int port)
    {
        using var client = await TextClient.ConnectAsync(port);
        (await client.ReadLineAsync()).Should().StartWith("* OK");
        await client.WriteLineAsync("a LOGIN alice secret");
        string line;
        while (!(line = await client.ReadLineAsync()).StartsWith("a ", StringComparison.Ordinal))
        {
        }

        return line;
    }

    private static async Task<string> Pop3LoginAsync(TextClient client)
    {
        (await client.ReadLineAsync()).Should().StartWith("+OK");
        await client.WriteLineAsync("USER alice");
        (await client.ReadLineAsync()).Should().StartWith("+OK");
        await client.WriteLineAsync("PASS secret");
        return await client.ReadLineAsync();
    }

    /// <summary>
    /// Starts IDLE on <paramref name="client"/>, runs <paramref name="action"/> and returns how long after the
    /// action started <paramref name="signal"/> (the arrival timestamp) fired, failing after <see cref="SignalTimeout"/>.
    /// </summary>
    private static async Task<TimeSpan> IdleUntilAsync(ImapClient client, Task<long> signal, Func<Task> action, string what, ServerProcess a, ServerProcess b)
    {
        using var done = new CancellationTokenSource();
        var idle = client.IdleAsync(done.Token);
        try
        {
            // MailKit does not report when the server has answered "+ idling". Without this pause the
            // change could land before IDLE starts; it would still be reported (as the untagged response to
            // IDLE), so the pause only makes the test exercise the wake-up of an idling client, it asserts nothing.
            await Task.Delay(200);
            var started = Stopwatch.GetTimestamp();
            await action();
            var winner = await Task.WhenAny(signal, Task.Delay(SignalTimeout));
            winner.Should().BeSameAs(signal, $"A's IDLE should see {what} within {SignalTimeout.TotalSeconds} s.\nA:\n{a.Log}\nB:\n{b.Log}");
            return Stopwatch.GetElapsedTime(started, await signal);
        }
        finally
        {
            await done.CancelAsync();
            await idle;
        }
    }

    private static async Task<ImapClient> ConnectAsync(int port)
    {
        var client = new ImapClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.AuthenticateAsync("alice", "secret");
        return client;
    }

    /// <summary>A minimal LMTP client: one message to one recipient, failing on any unexpected reply.</summary>
    private static async Task DeliverAsync(int port, string recipient)
    {
        using var client = await TextClient.ConnectAsync(port);

        async Task<string> ExpectAsync(string code)
        {
            string line;
            var all = new StringBuilder();
            do
            {
                line = await client.ReadLineAsync();
                all.AppendLine(line);
            }
            while (line.Length > 3 && line[3] == '-');

            if (!line.StartsWith(code, StringComparison.Ordinal))
            {
                throw new IOException($"LMTP expected {code}, got: {all}");
            }

            return all.ToString();
        }

        await ExpectAsync("220");
        await client.WriteLineAsync("LHLO test.example.org");
        await ExpectAsync("250");
        await client.WriteLineAsync("MAIL FROM:<bob@example.net>");
        await ExpectAsync("250");
        await client.WriteLineAsync($"RCPT TO:<{recipient}>");
        await ExpectAsync("250");
        await client.WriteLineAsync("DATA");
        await ExpectAsync("354");
        await client.WriteAsync(
            "From: bob@example.net\r\n" +
            $"To: {recipient}\r\n" +
            "Subject: across instances\r\n" +
            $"Message-ID: <{Guid.NewGuid():N}@example.net>\r\n" +
            "\r\n" +
            "Delivered through instance B.\r\n" +
            ".\r\n");
        await ExpectAsync("250"); // the per-recipient reply (one recipient)
        await client.WriteLineAsync("QUIT");
    }

    private async Task RunAdminAsync(params string[] args)
    {
        var start = ServerProcess.CreateStartInfo(_directory, _redis!.Configuration);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.Should().Be(0, $"the admin command {string.Join(' ', args)} should succeed.\n{await stdout}\n{await stderr}");
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>One sample-host process with its own free ports and captured output.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();

        private ServerProcess(Process process, int imapPort, int pop3Port, int lmtpPort)
        {
            _process = process;
            ImapPort = imapPort;
            Pop3Port = pop3Port;
            LmtpPort = lmtpPort;
        }

        public int ImapPort { get; }

        public int Pop3Port { get; }

        public int LmtpPort { get; }

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        /// <summary>
        /// The sample host's dll, copied next to this test assembly by the project reference; the
        /// environment variables (not arguments) configure it so that admin commands see them too.
        /// </summary>
        public static ProcessStartInfo CreateStartInfo(string directory, string redis)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "WildDuck.Server.dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException("The sample host was not built next to the tests.", dll);
            }

            var start = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            start.ArgumentList.Add(dll);
            start.Environment["WildDuck__DataDirectory"] = directory;
            start.Environment["WildDuck__Redis__Configuration"] = redis;

            // Without this, SQLite's journal watcher (a 1 s poll) would also carry the changes across and
            // the test would pass without Redis; switched off, only the Redis notifier can wake A in time.
            start.Environment["WildDuck__Sqlite__CrossProcessNotifyInterval"] = "00:00:00";
            start.Environment["WildDuck__Security__AllowInsecureAuth"] = "true";
            start.Environment["WildDuck__Api__Port"] = "0"; // two instances: any free port each
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["DOTNET_ENVIRONMENT"] = "Production";
            return start;
        }

        public static ServerProcess Start(string directory, string redis, params (string Name, string Value)[] settings)
        {
            var (imap, pop3, lmtp) = (RedisServer.FreePort(), RedisServer.FreePort(), RedisServer.FreePort());
            var start = CreateStartInfo(directory, redis);
            foreach (var (name, value) in settings)
            {
                start.Environment[name] = value;
            }

            start.Environment["WildDuck__Imap__Host"] = "127.0.0.1";
            start.Environment["WildDuck__Imap__Port"] = imap.ToString();
            start.Environment["WildDuck__Imap__TlsPort"] = "0";
            start.Environment["WildDuck__Pop3__Host"] = "127.0.0.1";
            start.Environment["WildDuck__Pop3__Port"] = pop3.ToString();
            start.Environment["WildDuck__Pop3__TlsPort"] = "0";
            start.Environment["WildDuck__Lmtp__Host"] = "127.0.0.1";
            start.Environment["WildDuck__Lmtp__Port"] = lmtp.ToString();

            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            var server = new ServerProcess(process, imap, pop3, lmtp);
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return server;
        }

        public async Task WaitUntilListeningAsync()
        {
            var deadline = Stopwatch.StartNew();
            foreach (var port in new[] { ImapPort, Pop3Port, LmtpPort })
            {
                while (!await AcceptsAsync(port))
                {
                    if (_process.HasExited)
                    {
                        throw new InvalidOperationException($"The sample host exited with code {_process.ExitCode}:\n{Log}");
                    }

                    if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                    {
                        throw new TimeoutException($"The sample host did not listen on port {port} within 30 s:\n{Log}");
                    }

                    await Task.Delay(100);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            finally
            {
                _process.Dispose();
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_log)
            {
                _log.AppendLine(line);
            }
        }

        private static async Task<bool> AcceptsAsync(int port)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    /// <summary>A line-oriented TCP client (CRLF), for the protocol exchanges MailKit would hide.</summary>
    private sealed class TextClient : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly StreamReader _reader;
        private readonly StreamWriter _writer;

        private TextClient(TcpClient tcp)
        {
            _tcp = tcp;
            var stream = tcp.GetStream();
            _reader = new StreamReader(stream, Encoding.ASCII);
            _writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        }

        public static async Task<TextClient> ConnectAsync(int port)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            return new TextClient(tcp);
        }

        /// <summary>The next line; fails when the server closes the connection or says nothing for 30 s.</summary>
        public async Task<string> ReadLineAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await _reader.ReadLineAsync(timeout.Token) ?? throw new IOException("The server closed the connection.");
        }

        public Task WriteLineAsync(string line) => _writer.WriteLineAsync(line);

        public Task WriteAsync(string text) => _writer.WriteAsync(text);

        public void Dispose()
        {
            _writer.Dispose();
            _reader.Dispose();
            _tcp.Dispose();
        }
    }
}
