// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace WildDuck.Lmtp.Tests;

/// <summary>Python's <c>smtplib.LMTP</c> as a real-world client.</summary>
public sealed class PythonInteropTests
{
    private const string Script = """
        import smtplib, sys
        host, port = sys.argv[1], int(sys.argv[2])
        lmtp = smtplib.LMTP(host, port)
        code, text = lmtp.ehlo_or_helo_if_needed() or (0, b'')
        assert lmtp.has_extn('pipelining') and lmtp.has_extn('8bitmime') and lmtp.has_extn('size'), lmtp.esmtp_features
        msg = b'From: py@remote.example\r\nTo: alice@example.org\r\nSubject: from python\r\n\r\n.leading dot\r\nbody\r\n'
        refused = lmtp.sendmail('py@remote.example', ['alice@example.org', 'nobody@example.org'], msg, mail_options=['BODY=8BITMIME'])
        assert list(refused) == ['nobody@example.org'], refused
        code, text = lmtp.noop()
        assert code == 250, (code, text)
        try:
            lmtp.sendmail('py@remote.example', ['nobody@example.org'], msg)
            raise AssertionError('expected SMTPRecipientsRefused')
        except smtplib.SMTPRecipientsRefused as e:
            assert e.recipients['nobody@example.org'][0] == 550
        lmtp.quit()
        print('ok')
        """;

    [SkippableFact]
    public async Task Smtplib_lmtp_delivers_and_sees_refusals()
    {
        var python = FindPython();
        Skip.If(python is null, "python3 is not installed; smtplib interop not run");
        await using var server = await LmtpTestServer.StartAsync();
        var script = Path.Combine(Path.GetTempPath(), "wildduck-lmtp-" + Guid.NewGuid().ToString("N") + ".py");
        await File.WriteAllTextAsync(script, Script);
        try
        {
            var start = new ProcessStartInfo(python!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(server.EndPoint.Address.ToString());
            start.ArgumentList.Add(server.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            (process.ExitCode, (await stdout).Trim(), await stderr).Should().Be((0, "ok", string.Empty));
        }
        finally
        {
            File.Delete(script);
        }

        var stored = Encoding.UTF8.GetString((await server.InboxAsync(server.Alice)).Single());
        stored.Should().StartWith("Return-Path: <py@remote.example>\r\nDelivered-To: alice@example.org\r\nReceived: from ")
            .And.EndWith("\r\nSubject: from python\r\n\r\n.leading dot\r\nbody\r\n");
    }

    private static string? FindPython()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, "python3");
            if (directory.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
