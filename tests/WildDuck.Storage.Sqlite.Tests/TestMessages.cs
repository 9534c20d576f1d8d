// SPDX-License-Identifier: MIT
using System;
using System.Text;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>Small messages for backend tests.</summary>
internal static class TestMessages
{
    public static string Plain(string subject, string body = "Hello there.") =>
        "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: " + subject + "\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\nMessage-ID: <" + subject.Replace(' ', '.') + "@example.org>\r\n\r\n" + body + "\r\n";

    /// <summary>A multipart message with a base64 attachment of <paramref name="size"/> seeded random bytes.</summary>
    public static string WithAttachment(string subject, int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        var base64 = Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks);
        var sb = new StringBuilder();
        sb.Append("From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: ").Append(subject).Append("\r\n");
        sb.Append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n");
        sb.Append("--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached: ").Append(subject).Append("\r\n");
        sb.Append("--b1\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        sb.Append(base64).Append("\r\n--b1--\r\n");
        return sb.ToString();
    }
}
