// SPDX-License-Identifier: MIT
using System.Globalization;
using System.IO;

namespace WildDuck.Storage.Conformance;

/// <summary>
/// The MimeKit test corpus (tests/corpus, copied next to each test assembly): every message file
/// and every message of every mbox file, addressed by names like "messages/x.txt" or
/// "mbox/simple.mbox.txt#2".
/// </summary>
public static class CorpusMessages
{
    /// <summary>The corpus folder next to the test assembly.</summary>
    public static string Root => Path.Combine(AppContext.BaseDirectory, "corpus", "mimekit");

    /// <summary>Every message name, in a stable order.</summary>
    public static IEnumerable<string> Names()
    {
        foreach (var file in Files("messages", "*").Concat(Files("dkim", "*.msg")).Concat(Files("partial", "*"))
                     .Concat(Files("openpgp", "*.eml")).Concat(Files("smime", "*.eml")))
        {
            yield return file;
        }

        foreach (var mbox in Files("mbox", "*.mbox.txt"))
        {
            var count = Mbox.Split(File.ReadAllBytes(Path.Combine(Root, mbox))).Count;
            for (var i = 0; i < count; i++)
            {
                yield return mbox + "#" + i.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>The raw bytes of one message.</summary>
    public static byte[] Load(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var hash = name.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0)
        {
            return File.ReadAllBytes(Path.Combine(Root, name));
        }

        var messages = Mbox.Split(File.ReadAllBytes(Path.Combine(Root, name[..hash])));
        return messages[int.Parse(name[(hash + 1)..], CultureInfo.InvariantCulture)];
    }

    private static IEnumerable<string> Files(string folder, string pattern)
    {
        var directory = Path.Combine(Root, folder);
        return Directory.GetFiles(directory, pattern).Select(f => folder + "/" + Path.GetFileName(f)).OrderBy(f => f, StringComparer.Ordinal);
    }
}
