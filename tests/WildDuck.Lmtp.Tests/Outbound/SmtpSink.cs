// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace WildDuck.Lmtp.Tests.Outbound;

/// <summary>One message as the sink received it.</summary>
internal sealed record SinkTransaction(string Helo, string MailFrom, string MailParameters, IReadOnlyList<string> Recipients, byte[] Data);

/// <summary>
/// A real SMTP server on loopback that speaks just enough ESMTP (EHLO, MAIL, RCPT, DATA, RSET,
/// NOOP, QUIT) to record envelopes and the exact DATA bytes (dot-unstuffed, RFC 5321 §4.5.2), with
/// configurable replies.
/// </summary>
internal sealed class SmtpSink : LoopbackServer
{
    private readonly List<SinkTransaction> _received = new();

    public SmtpSink()
    {
        Start();
    }

    /// <summary>The reply to MAIL FROM.</summary>
    public string MailReply { get; set; } = "250 2.1.0 OK";

    /// <summary>The reply to RCPT TO, by recipient.</summary>
    public Func<string, string> RecipientReply { get; set; } = static _ => "250 2.1.5 OK";

    /// <summary>The decoded AUTH PLAIN credentials ("user:password") of the last session that authenticated.</summary>
    public string? Authenticated { get; private set; }

    /// <summary>The reply after the final dot.</summary>
    public string DataReply { get; set; } = "250 2.0.0 queued as 1";

    /// <summary>Accepted messages (final reply 2xx).</summary>
    public IReadOnlyList<SinkTransaction> Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToArray();
            }
        }
    }

    /// <summary>Completes when the next message is accepted.</summary>
    public TaskCompletionSource<SinkTransaction> NextMessage { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = new BufferedStream(client.GetStream());
            await WriteAsync(stream, "220 sink.test ESMTP ready");
            var helo = string.Empty;
            string? from = null;
            var parameters = string.Empty;
            var recipients = new List<string>();
            while (true)
            {
                var line = await ReadLineAsync(stream);
                if (line is null)
                {
                    return;
                }

                var text = Encoding.UTF8.GetString(line).TrimEnd('\r', '\n');
                var verb = text.Length >= 4 ? text[..4].ToUpperInvariant() : text.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        helo = text[4..].Trim();
                        await WriteAsync(stream, "250-sink.test\r\n250-8BITMIME\r\n250-SIZE 10000000\r\n250-AUTH PLAIN\r\n250 ENHANCEDSTATUSCODES");
                        break;
                    case "HELO":
                        helo = text[4..].Trim();
                        await WriteAsync(stream, "250 sink.test");
                        break;
                    case "MAIL":
                        (from, parameters) = Path(text);
                        recipients.Clear();
                        await WriteAsync(stream, MailReply);
                        break;
                    case "RCPT":
                        var (to, _) = Path(text);
                        var reply = RecipientReply(to);
                        if (reply.StartsWith('2'))
                        {
                            recipients.Add(to);
                        }

                        await WriteAsync(stream, reply);
                        break;
                    case "DATA":
                        if (from is null || recipients.Count == 0)
                        {
                            await WriteAsync(stream, "554 5.5.1 no valid recipients");
                            break;
                        }

                        await WriteAsync(stream, "354 go ahead");
                        var data = await ReadDataAsync(stream);
                        var final = DataReply;
                        await WriteAsync(stream, final);
                        if (final.StartsWith('2'))
                        {
                            var transaction = new SinkTransaction(helo, from, parameters, recipients.ToArray(), data);
                            lock (_received)
                            {
                                _received.Add(transaction);
                            }

                            NextMessage.TrySetResult(transaction);
                        }

                        from = null;
                        recipients.Clear();
                        break;
                    case "AUTH":
                        // RFC 4616: authzid NUL authcid NUL password, base64, here as the initial response.
                        var parts = Encoding.UTF8.GetString(Convert.FromBase64String(text.Split(' ')[2])).Split('\0');
                        Authenticated = parts[1] + ":" + parts[2];
                        await WriteAsync(stream, "235 2.7.0 authenticated");
                        break;
                    case "RSET":
                        from = null;
                        recipients.Clear();
                        await WriteAsync(stream, "250 2.0.0 reset");
                        break;
                    case "NOOP":
                        await WriteAsync(stream, "250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await WriteAsync(stream, "221 2.0.0 bye");
                        return;
                    default:
                        await WriteAsync(stream, "500 5.5.2 unknown command");
                        break;
                }
            }
        }
        catch (IOException)
        {
            // The client went away.
        }
    }

    private static (string Address, string Parameters) Path(string line)
    {
        var open = line.IndexOf('<', StringComparison.Ordinal);
        var close = line.IndexOf('>', open + 1);
        return (line[(open + 1)..close], line[(close + 1)..].Trim());
    }

    private static async Task<byte[]> ReadDataAsync(Stream stream)
    {
        using var data = new MemoryStream();
        while (true)
        {
            var line = await ReadLineAsync(stream) ?? throw new IOException("DATA ended early.");
            if (line.AsSpan().SequenceEqual(".\r\n"u8))
            {
                return data.ToArray();
            }

            // RFC 5321 §4.5.2: drop the first of a line's leading dots.
            var start = line.Length > 0 && line[0] == (byte)'.' ? 1 : 0;
            data.Write(line, start, line.Length - start);
        }
    }

    private static async Task<byte[]?> ReadLineAsync(Stream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return line.Count == 0 ? null : line.ToArray();
            }

            line.Add(one[0]);
            if (one[0] == (byte)'\n')
            {
                return line.ToArray();
            }
        }
    }

    private static async Task WriteAsync(Stream stream, string reply)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"));
        await stream.FlushAsync();
    }
}
