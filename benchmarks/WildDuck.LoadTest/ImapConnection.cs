// SPDX-License-Identifier: MIT
using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace WildDuck.LoadTest;

/// <summary>Totals of one command's responses.</summary>
internal struct ResponseStats
{
    public long Untagged;
    public long LiteralBytes;
    public long TotalBytes;
    public string Status;
}

/// <summary>
/// A minimal raw-socket IMAP client: blocking reads into one reused buffer, literals skipped (only
/// counted), no allocation per untagged response except when the caller asks for the line text.
/// </summary>
internal sealed class ImapConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;
    private int _tag;
    private long _received;

    private ImapConnection(Socket socket)
    {
        _socket = socket;
    }

    public string Capabilities { get; private set; } = "";

    public bool LiteralPlus => Capabilities.Contains("LITERAL+", StringComparison.OrdinalIgnoreCase);

    public static ImapConnection Connect(string host, int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 1 << 20 };
        socket.Connect(host, port);
        var connection = new ImapConnection(socket);
        var greeting = connection.ReadLine(out _);
        if (!greeting.StartsWith("* OK", StringComparison.OrdinalIgnoreCase) && !greeting.StartsWith("* PREAUTH", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("unexpected greeting: " + greeting);
        }

        return connection;
    }

    public static ImapConnection Open(string host, int port, string user, string password, string? select = "INBOX")
    {
        var connection = Connect(host, port);
        var login = connection.Command($"LOGIN {Quote(user)} {Quote(password)}", captureUntagged: null);
        if (!login.Status.StartsWith("OK", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("LOGIN failed: " + login.Status);
        }

        var lines = new List<string>();
        var capability = connection.Command("CAPABILITY", lines);
        connection.Capabilities = string.Join(' ', lines);
        if (select is not null)
        {
            var selected = connection.Command("SELECT " + Quote(select), null);
            if (!selected.Status.StartsWith("OK", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("SELECT failed: " + selected.Status);
            }
        }

        _ = capability;
        return connection;
    }

    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    public long Received => _received;

    public string NextTag() => "A" + (++_tag).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Send(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = _socket.Send(bytes);
            bytes = bytes[sent..];
        }
    }

    public void SendLine(string line)
    {
        Send(Encoding.UTF8.GetBytes(line + "\r\n"));
    }

    /// <summary>Sends a command and reads every response up to its tagged completion.</summary>
    public ResponseStats Command(string command, List<string>? captureUntagged)
    {
        var tag = NextTag();
        SendLine(tag + " " + command);
        return ReadUntilTagged(tag, captureUntagged);
    }

    public ResponseStats ReadUntilTagged(string tag, List<string>? captureUntagged)
    {
        var stats = default(ResponseStats);
        var tagBytes = Encoding.ASCII.GetBytes(tag + " ");
        var before = _received;
        while (true)
        {
            var isTagged = ReadResponse(tagBytes, captureUntagged, ref stats, out var statusText);
            if (isTagged)
            {
                stats.Status = statusText!;
                stats.TotalBytes = _received - before;
                return stats;
            }
        }
    }

    /// <summary>
    /// Reads one response (a line plus any literals and continuation lines). Returns true for the
    /// tagged completion with <paramref name="tag"/>.
    /// </summary>
    private bool ReadResponse(byte[] tag, List<string>? capture, ref ResponseStats stats, out string? status)
    {
        status = null;
        var first = true;
        var tagged = false;
        StringBuilder? text = capture is null ? null : new StringBuilder();
        while (true)
        {
            var lineEnd = FindLineEnd();
            var line = _buffer.AsSpan(_start, lineEnd - _start);
            if (first)
            {
                first = false;
                tagged = line.StartsWith(tag);
                if (tagged)
                {
                    status = Encoding.UTF8.GetString(line[tag.Length..]).TrimEnd('\r', '\n');
                }
                else
                {
                    stats.Untagged++;
                }
            }

            if (text is not null && !tagged)
            {
                text.Append(Encoding.UTF8.GetString(line).TrimEnd('\r', '\n'));
            }

            _start = lineEnd;
            var literal = LiteralLength(line);
            if (literal < 0)
            {
                break;
            }

            stats.LiteralBytes += literal;
            SkipBytes(literal);
        }

        if (text is not null && !tagged)
        {
            capture!.Add(text.ToString());
        }

        return tagged;
    }

    /// <summary>Reads one plain line (no literal handling), without CRLF.</summary>
    public string ReadLine(out long timestamp)
    {
        var lineEnd = FindLineEnd();
        timestamp = Stopwatch.GetTimestamp();
        var text = Encoding.UTF8.GetString(_buffer, _start, lineEnd - _start).TrimEnd('\r', '\n');
        _start = lineEnd;
        return text;
    }

    /// <summary>Index just past the next LF, filling the buffer as needed.</summary>
    private int FindLineEnd()
    {
        var scanned = 0;
        while (true)
        {
            var index = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (index >= 0)
            {
                return _start + scanned + index + 1;
            }

            scanned = _end - _start;
            Fill();
        }
    }

    /// <summary>Reads more data, compacting (or growing) the buffer.</summary>
    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (read == 0)
        {
            throw new IOException("connection closed by server");
        }

        _end += read;
        _received += read;
    }

    private void SkipBytes(long count)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                _start = _end = 0;
                var read = _socket.Receive(_buffer, 0, _buffer.Length, SocketFlags.None);
                if (read == 0)
                {
                    throw new IOException("connection closed by server");
                }

                _end = read;
                _received += read;
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    /// <summary>The n of a trailing {n} or {n+} or ~{n}, else -1.</summary>
    private static long LiteralLength(ReadOnlySpan<byte> line)
    {
        var end = line.Length;
        if (end > 0 && line[end - 1] == (byte)'\n')
        {
            end--;
        }

        if (end > 0 && line[end - 1] == (byte)'\r')
        {
            end--;
        }

        if (end < 3 || line[end - 1] != (byte)'}')
        {
            return -1;
        }

        var open = line[..end].LastIndexOf((byte)'{');
        if (open < 0)
        {
            return -1;
        }

        var digits = line[(open + 1)..(end - 1)];
        if (!digits.IsEmpty && digits[^1] == (byte)'+')
        {
            digits = digits[..^1];
        }

        return Utf8Parser.TryParse(digits, out long value, out var consumed) && consumed == digits.Length ? value : -1;
    }

    /// <summary>APPENDs one message; returns the tagged status. Uses LITERAL+ when offered.</summary>
    public ResponseStats Append(string mailbox, ReadOnlySpan<byte> message, out long okTimestamp)
    {
        var tag = NextTag();
        var tagBytes = Encoding.ASCII.GetBytes(tag + " ");
        var length = message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (LiteralPlus)
        {
            SendLine($"{tag} APPEND {Quote(mailbox)} {{{length}+}}");
        }
        else
        {
            SendLine($"{tag} APPEND {Quote(mailbox)} {{{length}}}");
            var stats0 = default(ResponseStats);
            var line = ReadLine(out _);
            if (!line.StartsWith('+'))
            {
                okTimestamp = Stopwatch.GetTimestamp();
                stats0.Status = line;
                return stats0;
            }
        }

        Send(message);
        Send("\r\n"u8);
        var stats = default(ResponseStats);
        while (true)
        {
            if (ReadResponse(tagBytes, null, ref stats, out var status))
            {
                okTimestamp = Stopwatch.GetTimestamp();
                stats.Status = status!;
                return stats;
            }
        }
    }

    public void Logout()
    {
        try
        {
            Command("LOGOUT", null);
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
