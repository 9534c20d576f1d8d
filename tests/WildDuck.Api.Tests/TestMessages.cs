// SPDX-License-Identifier: MIT
namespace WildDuck.Api.Tests;

internal static class TestMessages
{
    /// <summary>The attachment's decoded bytes (binary, all 256 values).</summary>
    public static byte[] AttachmentBytes { get; } = Enumerable.Range(0, 1024).Select(i => (byte)(i * 7)).ToArray();

    /// <summary>A multipart/mixed message with text, HTML and a base64 attachment, CRLF line endings.</summary>
    public static byte[] Multipart(string subject = "Quarterly report")
    {
        var base64 = Convert.ToBase64String(AttachmentBytes, Base64FormattingOptions.InsertLineBreaks);
        var text = "From: Carol Sender <carol@example.com>\r\n" +
            "To: Alice <alice@example.test>, bob@example.test\r\n" +
            "Cc: dave@example.com\r\n" +
            "Reply-To: replies@example.com\r\n" +
            "Subject: " + subject + "\r\n" +
            "Message-ID: <report-1@example.com>\r\n" +
            "Date: Tue, 03 Nov 2026 10:00:00 +0000\r\n" +
            "List-ID: Reports <reports.example.com>\r\n" +
            "MIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"outer\"\r\n" +
            "\r\n" +
            "preamble\r\n" +
            "--outer\r\n" +
            "Content-Type: multipart/alternative; boundary=\"inner\"\r\n" +
            "\r\n" +
            "--inner\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "\r\n" +
            "Hello Alice, the numbers are in.\r\n" +
            "--inner\r\n" +
            "Content-Type: text/html; charset=utf-8\r\n" +
            "\r\n" +
            "<p>Hello Alice, the <b>numbers</b> are in.</p>\r\n" +
            "--inner--\r\n" +
            "--outer\r\n" +
            "Content-Type: application/octet-stream; name=\"report.bin\"\r\n" +
            "Content-Disposition: attachment; filename=\"report.bin\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n" +
            "\r\n" +
            base64 + "\r\n" +
            "--outer--\r\n" +
            "epilogue\r\n";
        return Encoding.ASCII.GetBytes(text);
    }

    public static byte[] Simple(string subject) => Encoding.ASCII.GetBytes(
        "From: sender@example.com\r\nTo: someone@example.test\r\nSubject: " + subject + "\r\nMessage-ID: <" + Guid.NewGuid().ToString("N") + "@example.com>\r\n\r\nBody of " + subject + "\r\n");
}
