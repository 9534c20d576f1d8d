// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace WildDuck.Imap.Tests.Conversations;

/// <summary>
/// Runs a C:/S: conversation script against a fresh <see cref="ImapTestServer"/>.
/// </summary>
/// <remarks>
/// Script lines:
/// <list type="bullet">
/// <item><c># ...</c> comment; blank lines are ignored.</item>
/// <item><c>@option Name=Value</c> sets an <see cref="ImapOptions"/> property (int, long or bool; dotted for nested ones such as
/// <c>Limits.MaxLineLength</c>) before the server starts.</item>
/// <item><c>C: text</c> sends text + CRLF on connection 1; <c>C2: text</c> on connection 2 (opened on first use).</item>
/// <item><c>S: text</c> the next line received must match text, where <c>{*}</c> is any text, <c>{#}</c> a number and
/// <c>{name}</c> a token captured under that name (equal to the earlier capture if already seen);
/// <c>S~ regex</c> is a raw .NET regex over the whole line; <c>S2:</c>/<c>S2~</c> on connection 2.</item>
/// <item><c>S: ...</c> (three dots alone) skips received lines until the next S line of that connection matches;
/// <c>S! regex</c> forbids skipped lines (until that next match) from matching the regex.</item>
/// <item><c>S: &lt;closed&gt;</c> expects the server to close the connection.</item>
/// <item>The four characters <c>\r\n</c> in a C line are sent as CRLF (to pipeline several commands in one write).</item>
/// <item><c>{name}</c> in a C line is replaced by the captured value (a digits-only <c>{5}</c> or <c>{5+}</c> literal marker is left alone).</item>
/// </list>
/// </remarks>
public static class ConversationRunner
{
    private static readonly Regex s_placeholder = new(@"\{(\*|#|[A-Za-z][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant);
    private static readonly Regex s_line = new(@"^(?<dir>[CS])(?<conn>\d?)(?<kind>[:~!]) ?(?<text>.*)$", RegexOptions.CultureInvariant);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Conversations");

    public static IEnumerable<object[]> Scripts()
    {
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.txt"))
        {
            yield return new object[] { Path.GetFileName(file) };
        }
    }

    public static async Task RunFileAsync(string name)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Directory, name));
        await RunAsync(text, name);
    }

    public static async Task RunAsync(string script, string name = "script")
    {
        var lines = script.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var options = new List<(string Name, string Value)>();
        foreach (var line in lines)
        {
            if (line.StartsWith("@option ", StringComparison.Ordinal))
            {
                var pair = line["@option ".Length..].Split('=', 2);
                options.Add((pair[0].Trim(), pair[1].Trim()));
            }
        }

        await using var server = await ImapTestServer.StartAsync(o =>
        {
            foreach (var (option, value) in options)
            {
                object target = o;
                var path = option.Split('.');
                for (var p = 0; p < path.Length - 1; p++)
                {
                    target = target.GetType().GetProperty(path[p])?.GetValue(target) ?? throw new InvalidOperationException("Unknown option " + option);
                }

                var property = target.GetType().GetProperty(path[^1]) ?? throw new InvalidOperationException("Unknown option " + option);
                property.SetValue(target, Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture));
            }
        });

        var connections = new Dictionary<int, RawImapConnection>();
        var captures = new Dictionary<string, string>(StringComparer.Ordinal);
        var skipping = new HashSet<int>();
        var forbidden = new Dictionary<int, Regex>();
        var transcript = new StringBuilder();
        try
        {
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].TrimEnd('\r');
                if (line.Length == 0 || line.StartsWith('#') || line.StartsWith('@'))
                {
                    continue;
                }

                var m = s_line.Match(line);
                if (!m.Success)
                {
                    throw new FormatException($"{name}:{i + 1}: cannot parse script line '{line}'");
                }

                var number = m.Groups["conn"].Value.Length == 0 ? 1 : int.Parse(m.Groups["conn"].Value, CultureInfo.InvariantCulture);
                if (!connections.TryGetValue(number, out var connection))
                {
                    var (stream, session) = server.Connect();
                    connection = new RawImapConnection(stream);
                    connections[number] = connection;
                }

                var body = m.Groups["text"].Value;
                if (m.Groups["dir"].Value == "C")
                {
                    var sent = s_placeholder.Replace(body, p => captures.TryGetValue(p.Groups[1].Value, out var v) ? v : p.Value)
                        .Replace("\\r\\n", "\r\n", StringComparison.Ordinal);
                    transcript.Append(CultureInfo.InvariantCulture, $"C{number}: {sent}\n");
                    await connection.SendAsync(sent + "\r\n");
                    continue;
                }

                if (m.Groups["kind"].Value == "!")
                {
                    forbidden[number] = new Regex("^(?:" + body + ")$", RegexOptions.CultureInvariant);
                    continue;
                }

                if (m.Groups["kind"].Value == ":" && body == "...")
                {
                    skipping.Add(number);
                    continue;
                }

                if (m.Groups["kind"].Value == ":" && body == "<closed>")
                {
                    while (true)
                    {
                        var rest = await connection.TryReadLineAsync();
                        if (rest is null)
                        {
                            break;
                        }

                        if (!skipping.Contains(number))
                        {
                            throw new Xunit.Sdk.XunitException($"{name}:{i + 1}: expected the connection to close, got '{rest}'");
                        }
                    }

                    skipping.Remove(number);
                    continue;
                }

                var regex = m.Groups["kind"].Value == "~" ? new Regex("^(?:" + body + ")$", RegexOptions.CultureInvariant) : ToRegex(body);
                while (true)
                {
                    string received;
                    try
                    {
                        received = await connection.ReadLineAsync();
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or EndOfStreamException)
                    {
                        throw new Xunit.Sdk.XunitException($"{name}:{i + 1}: expected '{body}' but {(ex is EndOfStreamException ? "the connection closed" : "nothing arrived in time")}\n{transcript}");
                    }

                    transcript.Append(CultureInfo.InvariantCulture, $"S{number}: {received}\n");
                    var match = regex.Match(received);
                    if (match.Success && CapturesAgree(regex, match, captures))
                    {
                        foreach (var group in regex.GetGroupNames())
                        {
                            if (!int.TryParse(group, out _))
                            {
                                captures[group] = match.Groups[group].Value;
                            }
                        }

                        skipping.Remove(number);
                        forbidden.Remove(number);
                        break;
                    }

                    if (forbidden.TryGetValue(number, out var banned) && banned.IsMatch(received))
                    {
                        throw new Xunit.Sdk.XunitException($"{name}:{i + 1}: received forbidden line '{received}'\n{transcript}");
                    }

                    if (!skipping.Contains(number))
                    {
                        throw new Xunit.Sdk.XunitException($"{name}:{i + 1}: expected '{body}'{Environment.NewLine}                  got '{received}'\n{transcript}");
                    }
                }
            }
        }
        finally
        {
            foreach (var connection in connections.Values)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static bool CapturesAgree(Regex regex, Match match, Dictionary<string, string> captures)
    {
        foreach (var group in regex.GetGroupNames())
        {
            if (!int.TryParse(group, out _) && captures.TryGetValue(group, out var previous) && previous != match.Groups[group].Value)
            {
                return false;
            }
        }

        return true;
    }

    private static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var last = 0;
        foreach (Match p in s_placeholder.Matches(pattern))
        {
            sb.Append(Regex.Escape(pattern[last..p.Index]));
            var token = p.Groups[1].Value;
            sb.Append(token switch
            {
                "*" => ".*",
                "#" => @"\d+",
                _ when seen.Add(token) => $@"(?<{token}>[^\s()\[\]]+)",
                _ => $@"\k<{token}>",
            });
            last = p.Index + p.Length;
        }

        sb.Append(Regex.Escape(pattern[last..])).Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }
}
