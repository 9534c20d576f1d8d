// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace WildDuck.Benchmarks;

/// <summary>The test corpus (tests/corpus): every message file and every message of every mbox file.</summary>
public static class Corpus
{
    public static string Directory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "corpus", "mimekit");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/corpus not found above " + AppContext.BaseDirectory);
    }

    public static List<byte[]> LoadMessages()
    {
        var root = Directory();
        var list = new List<byte[]>();
        foreach (var sub in new[] { "messages", "dkim", "partial", "openpgp", "smime" })
        {
            var dir = Path.Combine(root, sub);
            if (!System.IO.Directory.Exists(dir))
            {
                continue;
            }

            var files = System.IO.Directory.GetFiles(dir);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files)
            {
                if (file.EndsWith(".eml", StringComparison.Ordinal) || file.EndsWith(".msg", StringComparison.Ordinal) || (sub == "messages" && file.EndsWith(".txt", StringComparison.Ordinal)))
                {
                    list.Add(File.ReadAllBytes(file));
                }
            }
        }

        foreach (var mbox in System.IO.Directory.GetFiles(Path.Combine(root, "mbox"), "*.mbox.txt"))
        {
            foreach (var message in WildDuck.Storage.Conformance.Mbox.Split(File.ReadAllBytes(mbox)))
            {
                if (message.Length > 0)
                {
                    list.Add(message);
                }
            }
        }

        return list;
    }

    /// <summary>A large message: a text part and a 10 MiB base64 attachment.</summary>
    public static byte[] LargeMessage(int attachmentBytes = 10 * 1024 * 1024)
    {
        var data = new byte[attachmentBytes];
        new Random(42).NextBytes(data);
        var sb = new StringBuilder();
        sb.Append("From: a@example.org\r\nTo: b@example.org\r\nSubject: large\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n");
        sb.Append("--xx\r\nContent-Type: text/plain\r\n\r\nhello\r\n--xx\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        sb.Append(Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks)).Append("\r\n--xx--\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
