// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using static WildDuck.LoadTest.Stats;

namespace WildDuck.LoadTest;

internal static class Scenarios
{
    public static int Populate(Options o)
    {
        var target = o.IntArgument(0, 5000);
        var corpus = Corpus.Load(o.Corpus);
        using var connection = ImapConnection.Open(o.Host, o.Port, o.UserFor(0), o.Password, select: null);
        var existing = Count(connection, o.Mailbox);
        if (existing >= target)
        {
            Console.WriteLine($"populate: {o.Mailbox} already holds {existing} messages (>= {target}); skipped");
            return 0;
        }

        Console.WriteLine($"populate: {existing} present, appending {target - existing} (corpus: {corpus.Count} messages, {corpus.Sum(m => (long)m.Length)} bytes)");
        long bytes = 0;
        var failures = 0;
        var started = Stopwatch.GetTimestamp();
        for (var i = existing; i < target; i++)
        {
            var message = corpus[i % corpus.Count];
            var result = connection.Append(o.Mailbox, message, out _);
            if (!result.Status.StartsWith("OK", StringComparison.OrdinalIgnoreCase))
            {
                if (failures++ < 5)
                {
                    Console.WriteLine($"  APPEND #{i} ({message.Length} bytes) failed: {result.Status}");
                }
            }
            else
            {
                bytes += message.Length;
            }
        }

        var ms = Ms(started, Stopwatch.GetTimestamp());
        var appended = target - existing - failures;
        Console.WriteLine($"populate: {appended} appended, {failures} failed, {bytes} bytes in {F(ms)} ms = {F(appended / (ms / 1000))} msg/s, {F(bytes / 1e6 / (ms / 1000), "F2")} MB/s");
        Console.WriteLine($"populate: {o.Mailbox} now holds {Count(connection, o.Mailbox)} messages");
        connection.Logout();
        return failures == 0 ? 0 : 1;
    }

    public static int Fetch(Options o, string items)
    {
        using var connection = ImapConnection.Open(o.Host, o.Port, o.UserFor(0), o.Password, o.Mailbox);
        var times = new List<double>();
        var rates = new List<double>();
        var mbs = new List<double>();
        for (var run = 1; run <= o.Runs; run++)
        {
            var started = Stopwatch.GetTimestamp();
            var stats = connection.Command("FETCH 1:* " + items, null);
            var ms = Ms(started, Stopwatch.GetTimestamp());
            if (!stats.Status.StartsWith("OK", StringComparison.OrdinalIgnoreCase))
            {
                Console.WriteLine("FETCH failed: " + stats.Status);
                return 1;
            }

            times.Add(ms);
            rates.Add(stats.Untagged / (ms / 1000));
            mbs.Add(stats.LiteralBytes / 1e6 / (ms / 1000));
            Console.WriteLine($"run {run}: {stats.Untagged} responses, literals {stats.LiteralBytes} B, received {stats.TotalBytes} B, {F(ms)} ms, {F(rates[^1], "F0")} msg/s, {F(mbs[^1], "F1")} MB/s (literals), {F(stats.TotalBytes / 1e6 / (ms / 1000), "F1")} MB/s (wire)");
        }

        Console.WriteLine($"RESULT median of {o.Runs}: {F(Median(times))} ms, {F(Median(rates), "F0")} msg/s, {F(Median(mbs), "F1")} MB/s");
        connection.Logout();
        return 0;
    }

    public static int SearchBody(Options o)
    {
        if (o.Arguments.Count == 0)
        {
            Console.Error.WriteLine("search-body needs a WORD");
            return 2;
        }

        var word = o.Arguments[0];
        using var connection = ImapConnection.Open(o.Host, o.Port, o.UserFor(0), o.Password, o.Mailbox);
        var times = new List<double>();
        var hits = 0;
        for (var run = 1; run <= o.Runs; run++)
        {
            var lines = new List<string>();
            var started = Stopwatch.GetTimestamp();
            var stats = connection.Command("SEARCH BODY " + ImapConnection.Quote(word), lines);
            var ms = Ms(started, Stopwatch.GetTimestamp());
            if (!stats.Status.StartsWith("OK", StringComparison.OrdinalIgnoreCase))
            {
                Console.WriteLine("SEARCH failed: " + stats.Status);
                return 1;
            }

            hits = lines.Where(l => l.StartsWith("* SEARCH", StringComparison.OrdinalIgnoreCase))
                .Sum(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length - 2);
            times.Add(ms);
            Console.WriteLine($"run {run}: {hits} matches, {F(ms, "F2")} ms");
        }

        Console.WriteLine($"RESULT median of {o.Runs}: {F(Median(times), "F2")} ms, {hits} matches");
        connection.Logout();
        return 0;
    }

    public static int IdleLatency(Options o)
    {
        var count = o.IntArgument(0, 200);
        using var appender = ImapConnection.Open(o.Host, o.Port, o.UserFor(0), o.Password, select: null);
        var baseCount = Count(appender, o.Mailbox);
        using var idler = ImapConnection.Open(o.Host, o.Port, o.UserFor(0), o.Password, o.Mailbox);
        var idleTag = idler.NextTag();
        idler.SendLine(idleTag + " IDLE");
        while (!idler.ReadLine(out _).StartsWith('+'))
        {
        }

        var existsAt = new long[baseCount + count + 2];
        using var arrived = new SemaphoreSlim(0);
        var reader = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var line = idler.ReadLine(out var timestamp);
                    if (line.StartsWith(idleTag + " ", StringComparison.Ordinal))
                    {
                        return;
                    }

                    var parts = line.Split(' ');
                    if (parts.Length == 3 && parts[0] == "*" && parts[2].Equals("EXISTS", StringComparison.OrdinalIgnoreCase)
                        && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < existsAt.Length && existsAt[n] == 0)
                    {
                        existsAt[n] = timestamp;
                        arrived.Release();
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (SocketException)
            {
            }
        })
        { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        reader.Start();

        var message = Encoding.ASCII.GetBytes("From: a@example.org\r\nTo: b@example.org\r\nSubject: idle latency probe\r\nMessage-ID: <probe@example.org>\r\n\r\nprobe\r\n");
        var fromOk = new List<double>();
        var fromSend = new List<double>();
        var missed = 0;
        for (var k = 1; k <= count; k++)
        {
            var sent = Stopwatch.GetTimestamp();
            var result = appender.Append(o.Mailbox, message, out var ok);
            if (!result.Status.StartsWith("OK", StringComparison.OrdinalIgnoreCase))
            {
                Console.WriteLine("APPEND failed: " + result.Status);
                return 1;
            }

            var n = baseCount + k;
            var deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
            while (Volatile.Read(ref existsAt[n]) == 0 && Stopwatch.GetTimestamp() < deadline)
            {
                arrived.Wait(TimeSpan.FromMilliseconds(100));
            }

            var at = Volatile.Read(ref existsAt[n]);
            if (at == 0)
            {
                missed++;
                continue;
            }

            fromOk.Add(Ms(ok, at));
            fromSend.Add(Ms(sent, at));
        }

        idler.SendLine("DONE");
        reader.Join(TimeSpan.FromSeconds(5));
        Console.WriteLine($"appends: {count}, EXISTS seen: {fromOk.Count}, missed (none within 5 s): {missed}");
        Console.WriteLine($"tagged OK -> EXISTS (ms): p50 {F(Percentile(fromOk, 50), "F2")}  p99 {F(Percentile(fromOk, 99), "F2")}  max {F(fromOk.DefaultIfEmpty(double.NaN).Max(), "F2")}  min {F(fromOk.DefaultIfEmpty(double.NaN).Min(), "F2")} (negative = EXISTS before the OK); EXISTS before OK: {fromOk.Count(v => v < 0)}");
        Console.WriteLine($"APPEND sent -> EXISTS (ms): p50 {F(Percentile(fromSend, 50), "F2")}  p99 {F(Percentile(fromSend, 99), "F2")}  max {F(fromSend.DefaultIfEmpty(double.NaN).Max(), "F2")}");
        Console.WriteLine($"RESULT p50 {F(Percentile(fromOk, 50), "F2")} ms, p99 {F(Percentile(fromOk, 99), "F2")} ms, max {F(fromOk.DefaultIfEmpty(double.NaN).Max(), "F2")} ms");
        appender.Logout();
        return missed == 0 ? 0 : 1;
    }

    public static async Task<int> IdleConnections(Options o)
    {
        var count = o.IntArgument(0, 1000);
        var sockets = new Socket?[count];
        var failures = 0;
        string? firstError = null;
        using var gate = new SemaphoreSlim(32);

        async Task OpenAsync(int from, int to)
        {
            var tasks = Enumerable.Range(from, to - from).Select(async k =>
            {
                await gate.WaitAsync();
                try
                {
                    sockets[k] = await OpenIdleAsync(o, k);
                }
                catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, $"connection {k}: {e.Message}", null);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            await Task.WhenAll(tasks);
        }

        // The first tenth (at most 1,000) warms the server up: JIT, thread pool, the store's read
        // connections and their page caches are fixed costs, not costs of a connection. The
        // per-connection figure is the growth from that point to all N, divided by the rest.
        var warm = o.Pid is null ? 0 : Math.Min(1000, count / 10);
        var started = Stopwatch.GetTimestamp();
        await OpenAsync(0, warm);
        var baseline = o.Pid is int pid0 ? await MeasureAsync(o, pid0, "warm") : default;
        var failedInWarmUp = failures;
        await OpenAsync(warm, count);
        var ms = Ms(started, Stopwatch.GetTimestamp());
        var open = count - failures;
        Console.WriteLine($"{open} connections idling, {failures} failed{(firstError is null ? "" : " (first: " + firstError + ")")}; established in {F(ms, "F0")} ms");
        if (o.Pid is int pid)
        {
            var after = await MeasureAsync(o, pid, "all");
            var added = Math.Max(1, open - (warm - failedInWarmUp));
            var rssPer = (after.RssKb - baseline.RssKb) * 1024.0 / added;
            var pssPer = (after.PssKb - baseline.PssKb) * 1024.0 / added;
            Console.WriteLine($"RESULT {open} connections: {warm} to warm up at RSS {baseline.RssKb} KiB, PSS {baseline.PssKb} KiB; then {added} more: RSS {after.RssKb} KiB = {F(rssPer, "F0")} B/connection, PSS {after.PssKb} KiB = {F(pssPer, "F0")} B/connection; processes {after.Processes}");
        }

        foreach (var socket in sockets)
        {
            if (socket is null)
            {
                continue;
            }

            try
            {
                socket.Send("DONE\r\nZ LOGOUT\r\n"u8);
            }
            catch (SocketException)
            {
            }

            socket.Dispose();
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// Memory of <paramref name="pid"/> 5 s after the last connection opened; with --gcdump, after a
    /// full blocking GC (dotnet-gcdump walks the heap after one), so garbage of the set-up is gone.
    /// </summary>
    private static async Task<ProcessMemory> MeasureAsync(Options o, int pid, string stage)
    {
        await Task.Delay(TimeSpan.FromSeconds(5));
        if (o.GcDump is { } dumpPath)
        {
            var file = dumpPath.Replace(".gcdump", "", StringComparison.Ordinal) + "-" + stage + ".gcdump";
            using var dump = Process.Start(new ProcessStartInfo("dotnet-gcdump", ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file]) { RedirectStandardOutput = true, RedirectStandardError = true })
                ?? throw new InvalidOperationException("dotnet-gcdump did not start (dotnet tool install -g dotnet-gcdump)");
            await dump.StandardOutput.ReadToEndAsync();
            await dump.WaitForExitAsync();
            Console.WriteLine($"{stage}: heap dump {file}");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        var memory = ProcessMemory.Read(pid);
        Console.WriteLine($"{stage}: {memory}");
        return memory;
    }

    /// <summary>Connects, logs in, selects and starts IDLE; returns the socket (its buffer is dropped).</summary>
    private static async Task<Socket> OpenIdleAsync(Options o, int k)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await socket.ConnectAsync(o.Host, o.Port, timeout.Token);
            var buffer = new byte[2048];
            var reader = new LineReader(socket, buffer);
            var greeting = await reader.ReadLineAsync(timeout.Token);
            if (!greeting.StartsWith("* OK", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("greeting: " + greeting);
            }

            await Exchange(socket, reader, "a", $"LOGIN {ImapConnection.Quote(o.UserFor(k))} {ImapConnection.Quote(o.Password)}", timeout.Token);
            await Exchange(socket, reader, "b", "SELECT " + ImapConnection.Quote(o.Mailbox), timeout.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes("c IDLE\r\n"), timeout.Token);
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token);
                if (line.StartsWith('+'))
                {
                    return socket;
                }

                if (line.StartsWith("c ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("IDLE: " + line);
                }
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task Exchange(Socket socket, LineReader reader, string tag, string command, CancellationToken cancellationToken)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(tag + " " + command + "\r\n"), cancellationToken);
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                if (!line.AsSpan(tag.Length + 1).StartsWith("OK", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException(command.Split(' ')[0] + ": " + line);
                }

                return;
            }
        }
    }

    /// <summary>Message count of a mailbox via STATUS.</summary>
    private static int Count(ImapConnection connection, string mailbox)
    {
        var lines = new List<string>();
        var stats = connection.Command($"STATUS {ImapConnection.Quote(mailbox)} (MESSAGES)", lines);
        if (!stats.Status.StartsWith("OK", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("STATUS failed: " + stats.Status);
        }

        foreach (var line in lines)
        {
            var at = line.IndexOf("MESSAGES ", StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                var digits = new string(line[(at + 9)..].TakeWhile(char.IsAsciiDigit).ToArray());
                return int.Parse(digits, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("no MESSAGES in STATUS response");
    }

    /// <summary>Async line reader over a socket (lines only; IDLE set-up needs no literals).</summary>
    private sealed class LineReader(Socket socket, byte[] buffer)
    {
        private int _start;
        private int _end;

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            var scanned = 0;
            while (true)
            {
                var index = buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
                if (index >= 0)
                {
                    var end = _start + scanned + index + 1;
                    var line = Encoding.UTF8.GetString(buffer, _start, end - _start).TrimEnd('\r', '\n');
                    _start = end;
                    return line;
                }

                scanned = _end - _start;
                if (_start > 0)
                {
                    Buffer.BlockCopy(buffer, _start, buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = await socket.ReceiveAsync(buffer.AsMemory(_end), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("connection closed by server");
                }

                _end += read;
            }
        }
    }

    /// <summary>
    /// POP3: RETR every message of the maildrop, on a fresh session per run; DEPTH RETRs are kept
    /// in flight (1 = one at a time; more = RFC 2449 PIPELINING). The session ends with QUIT.
    /// </summary>
    public static int Pop3Retrieve(Options o)
    {
        var depth = Math.Max(1, o.IntArgument(0, 1));
        var times = new List<double>();
        var rates = new List<double>();
        var mbs = new List<double>();
        for (var run = 1; run <= o.Runs; run++)
        {
            using var connection = Pop3Connection.Open(o.Host, o.Port, o.UserFor(0), o.Password);
            var stat = connection.Command("STAT");
            Pop3Connection.Expect(stat, "STAT");
            var parts = stat.Split(' ');
            var count = int.Parse(parts[1], CultureInfo.InvariantCulture);
            var octets = long.Parse(parts[2], CultureInfo.InvariantCulture);
            long wire = 0;
            var sent = 0;
            var started = Stopwatch.GetTimestamp();
            for (var done = 0; done < count; done++)
            {
                if (sent - done < depth && sent < count)
                {
                    var batch = new StringBuilder();
                    while (sent < count && sent - done < depth)
                    {
                        batch.Append("RETR ").Append(++sent).Append("\r\n");
                    }

                    connection.Send(batch.ToString());
                }

                var status = connection.ReadLine();
                if (!status.StartsWith("+OK", StringComparison.Ordinal))
                {
                    Console.WriteLine($"RETR {done + 1} failed: {status}");
                    return 1;
                }

                wire += connection.SkipMultiLine();
            }

            var ms = Ms(started, Stopwatch.GetTimestamp());
            connection.Command("QUIT");
            times.Add(ms);
            rates.Add(count / (ms / 1000));
            mbs.Add(octets / 1e6 / (ms / 1000));
            Console.WriteLine($"run {run}: {count} messages, {octets} octets (STAT), {wire} B on the wire, {F(ms)} ms, {F(rates[^1], "F0")} msg/s, {F(mbs[^1], "F1")} MB/s");
        }

        Console.WriteLine($"RESULT median of {o.Runs}: {F(Median(times))} ms, {F(Median(rates), "F0")} msg/s, {F(Median(mbs), "F1")} MB/s");
        return 0;
    }
}

/// <summary>RSS and PSS of a process and all its descendants (from /proc).</summary>
internal readonly record struct ProcessMemory(long RssKb, long PssKb, int Processes)
{
    public static ProcessMemory Read(int pid)
    {
        var tree = new HashSet<int> { pid };
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[p] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }

        bool added;
        do
        {
            added = false;
            foreach (var (child, parent) in parents)
            {
                if (tree.Contains(parent) && tree.Add(child))
                {
                    added = true;
                }
            }
        }
        while (added);

        long rss = 0, pss = 0;
        var processes = 0;
        foreach (var p in tree)
        {
            try
            {
                rss += Field(File.ReadAllLines($"/proc/{p}/status"), "VmRSS:");
                pss += Field(File.ReadAllLines($"/proc/{p}/smaps_rollup"), "Pss:");
                processes++;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return new ProcessMemory(rss, pss, processes);
    }

    private static long Field(string[] lines, string name)
    {
        foreach (var line in lines)
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public override string ToString() => $"RSS {RssKb} KiB, PSS {PssKb} KiB over {Processes} process(es)";
}
