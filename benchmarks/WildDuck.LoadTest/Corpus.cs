// SPDX-License-Identifier: MIT
namespace WildDuck.LoadTest;

/// <summary>
/// The MimeKit test corpus (tests/corpus/mimekit): every message file and every message of every mbox
/// file, in the same order as tests/WildDuck.Storage.Conformance/CorpusMessages.cs, with line ends
/// normalised to CRLF (what IMAP APPEND expects). Empty messages are left out.
/// </summary>
internal static class Corpus
{
    public static List<byte[]> Load(string? root)
    {
        root ??= Find() ?? throw new ArgumentException("tests/corpus/mimekit not found; pass --corpus DIR");
        var messages = new List<byte[]>();
        foreach (var file in Files(root, "messages", "*").Concat(Files(root, "dkim", "*.msg")).Concat(Files(root, "partial", "*"))
                     .Concat(Files(root, "openpgp", "*.eml")).Concat(Files(root, "smime", "*.eml")))
        {
            messages.Add(File.ReadAllBytes(file));
        }

        foreach (var mbox in Files(root, "mbox", "*.mbox.txt"))
        {
            messages.AddRange(WildDuck.Storage.Conformance.Mbox.Split(File.ReadAllBytes(mbox)));
        }

        return messages.Where(m => m.Length > 0).Select(ToCrlf).ToList();
    }

    private static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "corpus", "mimekit");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> Files(string root, string folder, string pattern) =>
        Directory.GetFiles(Path.Combine(root, folder), pattern).OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal);

    private static byte[] ToCrlf(byte[] message)
    {
        var output = new List<byte>(message.Length + (message.Length / 40));
        for (var i = 0; i < message.Length; i++)
        {
            var b = message[i];
            if (b == (byte)'\n' && (i == 0 || message[i - 1] != (byte)'\r'))
            {
                output.Add((byte)'\r');
            }
            else if (b == (byte)'\r' && (i + 1 == message.Length || message[i + 1] != (byte)'\n'))
            {
                output.Add(b);
                output.Add((byte)'\n');
                continue;
            }

            output.Add(b);
        }

        return [.. output];
    }
}
