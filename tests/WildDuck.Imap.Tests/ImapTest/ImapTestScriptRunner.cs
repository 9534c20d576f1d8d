// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace WildDuck.Imap.Tests.ImapTest;

/// <summary>
/// Runs a Dovecot imaptest compliance script (the "scripted test" format of imaptest's <c>src/tests/</c>) against a
/// fresh <see cref="ImapTestServer"/>. The scripts themselves are not part of this repository; they are read from the
/// directory named by <c>WILDDUCK_IMAPTEST_SCRIPTS</c>.
/// </summary>
/// <remarks>
/// Implemented subset: the header (<c>capabilities</c>, <c>connections</c>, <c>messages</c>, <c>state</c>), commands in
/// "method 1" (<c>[conn] ok|no|bad|"" command</c>) and "method 2" (command line, then <c>[conn] ok|no|bad|"" [prefix]</c>),
/// expected (<c>*</c>) and banned (<c>!</c>) untagged replies matched against every untagged reply the command received
/// (extra replies are ignored), <c>$var</c>/<c>${var}</c> capture and substitution, <c>$</c> wildcards, <c>$$</c> escapes,
/// the <c>$!ordered</c>/<c>$!unordered[=n]</c>/<c>$!noextra</c>/<c>$!extra</c>/<c>$!ignore=e</c>/<c>$!ban=e</c> list directives with
/// imaptest's defaults, <c>!ifenv</c>/<c>!ifnenv</c>/<c>!else</c>/<c>!endif</c>, multiple connections, and "append" without a
/// literal (the next message of the script's mbox is appended). Limitations: <c>$N</c> sequence variables match any number
/// (imaptest tracks expunges to map them); pipelined (method 3) commands are not supported; imaptest's own mailbox state
/// tracking (e.g. catching duplicate \Recent flags) is not done.
///
/// WildDuck does not keep \Recent (RFC 9051 removed it; RECENT counts are always 0). With <see cref="Options.NoRecent"/> the
/// runner treats an expected <c>\recent</c> flag as optional and accepts any count in <c>* n RECENT</c> and in
/// STATUS (RECENT n).
/// </remarks>
public sealed class ImapTestScriptRunner
{
    public const string MailboxName = "imaptest";

    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(10);

    private readonly string _name;
    private readonly Options _options;
    private readonly StringBuilder _transcript = new();
    private readonly List<string> _notes = new();
    private readonly Dictionary<string, string> _vars = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<MboxMessage> _messages;
    private int _nextMessage;
    private int _tag;

    private ImapTestScriptRunner(string name, List<MboxMessage> messages, Options options)
    {
        _name = name;
        _messages = messages;
        _options = options;
        _vars["user"] = ImapTestServer.User;
        _vars["username"] = ImapTestServer.User;
        _vars["domain"] = string.Empty;
        _vars["password"] = ImapTestServer.Password;
        _vars["mailbox"] = MailboxName;
    }

    /// <summary>Relaxations applied while matching.</summary>
    public sealed class Options
    {
        /// <summary>\Recent is not kept by the server: expected \recent flags are optional, RECENT counts are not compared.</summary>
        public bool NoRecent { get; init; } = true;

        /// <summary>Commands (as written in the script, case-insensitive) whose mismatch is a documented deliberate difference.</summary>
        public IReadOnlyDictionary<string, string> KnownDifferences { get; init; } = new Dictionary<string, string>();
    }

    /// <summary>Notes about relaxations and known differences hit during the run.</summary>
    public IReadOnlyList<string> Notes => _notes;

    public string Transcript => _transcript.ToString();

    /// <summary>The script files (not the .mbox files) of a directory.</summary>
    public static IEnumerable<string> FindScripts(string directory)
        => Directory.GetFiles(directory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => !n.EndsWith(".mbox", StringComparison.OrdinalIgnoreCase) && !n.StartsWith('.')
                && !n.Contains('.', StringComparison.Ordinal) && !n.StartsWith("Makefile", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>Runs the script <paramref name="name"/> from <paramref name="directory"/>; throws on the first mismatch.</summary>
    public static async Task<ImapTestScriptRunner> RunFileAsync(string directory, string name, Options? options = null)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(directory, name));
        var unsupported = UnsupportedSyntax(text);
        Skip.If(unsupported is not null, $"{name}: uses {unsupported}, which only imaptest itself runs (set WILDDUCK_IMAPTEST_BIN, docs/compliance.md)");
        var mboxPath = Path.Combine(directory, name + ".mbox");
        if (!File.Exists(mboxPath))
        {
            mboxPath = Path.Combine(directory, "default.mbox");
        }

        var messages = File.Exists(mboxPath) ? ParseMbox(await File.ReadAllTextAsync(mboxPath)) : new List<MboxMessage>();
        var runner = new ImapTestScriptRunner(name, messages, options ?? new Options());
        await runner.RunAsync(text);
        return runner;
    }

    /// <summary>Script syntax this runner does not implement, or null.</summary>
    private static string? UnsupportedSyntax(string script)
    {
        if (script.Contains("{{{", StringComparison.Ordinal))
        {
            return "multiline literals ({{{ ... }}})";
        }

        return System.Text.RegularExpressions.Regex.IsMatch(script, @"(?m)^(\d+ )?tag\d+ ", System.Text.RegularExpressions.RegexOptions.CultureInvariant)
            ? "pipelined tagged commands (method 3)"
            : null;
    }

    // ---------------------------------------------------------------- script parsing

    private sealed class Command
    {
        public int Line { get; init; }

        public int Connection { get; init; }

        public string Text { get; init; } = string.Empty;

        /// <summary>ok/no/bad, "" for any; null until the reply line of a method-2 command is read.</summary>
        public string? Status { get; set; }

        public string Prefix { get; set; } = string.Empty;

        public List<(int Line, string Text)> Untagged { get; } = new();

        public List<(int Line, string Text)> Banned { get; } = new();
    }

    private static bool IsStatus(string word)
        => word.Equals("ok", StringComparison.OrdinalIgnoreCase) || word.Equals("no", StringComparison.OrdinalIgnoreCase)
            || word.Equals("bad", StringComparison.OrdinalIgnoreCase) || word == "\"\"";

    private static List<string> Preprocess(IEnumerable<string> lines)
    {
        var result = new List<string>();
        var active = new Stack<bool>();
        foreach (var line in lines)
        {
            var enabled = active.All(a => a);
            if (line.StartsWith("!ifenv ", StringComparison.Ordinal) || line.StartsWith("!ifnenv ", StringComparison.Ordinal))
            {
                var set = Environment.GetEnvironmentVariable(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..].Trim()) is not null;
                active.Push(line.StartsWith("!ifenv", StringComparison.Ordinal) ? set : !set);
            }
            else if (line.Trim() == "!else")
            {
                active.Push(!active.Pop());
            }
            else if (line.Trim() == "!endif")
            {
                active.Pop();
            }
            else if (enabled)
            {
                result.Add(line);
            }
        }

        return result;
    }

    private async Task RunAsync(string script)
    {
        var lines = script.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var header = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        for (; index < lines.Length && lines[index].Trim().Length > 0; index++)
        {
            var pair = lines[index].Split(':', 2);
            if (pair.Length == 2)
            {
                header[pair[0].Trim()] = pair[1].Trim();
            }
        }

        var connectionCount = header.TryGetValue("connections", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : 1;
        var state = header.TryGetValue("state", out var s) ? s.ToLowerInvariant() : "selected";
        var messageCount = header.TryGetValue("messages", out var m) && m != "all" ? int.Parse(m, CultureInfo.InvariantCulture) : _messages.Count;
        var commands = ParseCommands(Preprocess(lines.Skip(index)), index, connectionCount);

        await using var server = await ImapTestServer.StartAsync();
        var connections = new List<RawImapConnection>();
        try
        {
            for (var i = 0; i < connectionCount; i++)
            {
                connections.Add(await RawImapConnection.OpenAsync(server, login: state != "nonauth"));
            }

            if (header.TryGetValue("capabilities", out var required) && required.Length > 0)
            {
                var reply = await connections[0].CommandAsync("C0", "CAPABILITY");
                var offered = reply.Where(l => l.StartsWith("* CAPABILITY ", StringComparison.OrdinalIgnoreCase))
                    .SelectMany(l => l.Split(' ').Skip(2)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var missing = required.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(r => !offered.Contains(r)).ToList();
                Skip.If(missing.Count > 0, $"{_name}: requires capabilities the server does not offer: {string.Join(' ', missing)}");
            }

            await SetUpAsync(connections, state, messageCount);
            foreach (var command in commands)
            {
                await ExecuteAsync(connections[command.Connection - 1], command);
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private List<Command> ParseCommands(List<string> lines, int firstLine, int connectionCount)
    {
        var commands = new List<Command>();
        Command? current = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].TrimEnd();
            var lineNumber = firstLine + i + 1;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("* ", StringComparison.Ordinal) || line == "*" || line.StartsWith("! ", StringComparison.Ordinal))
            {
                if (current is null)
                {
                    throw new FormatException($"{_name}:{lineNumber}: untagged reply before any command");
                }

                (line[0] == '*' ? current.Untagged : current.Banned).Add((lineNumber, line.Length > 2 ? line[2..] : string.Empty));
                continue;
            }

            var connection = 1;
            var rest = line;
            if (connectionCount > 1)
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var first = space < 0 ? line : line[..space];
                if (first.All(char.IsAsciiDigit) && first.Length > 0)
                {
                    connection = int.Parse(first, CultureInfo.InvariantCulture);
                    rest = space < 0 ? string.Empty : line[(space + 1)..];
                }
            }

            var wordEnd = rest.IndexOf(' ', StringComparison.Ordinal);
            var word = wordEnd < 0 ? rest : rest[..wordEnd];
            var after = wordEnd < 0 ? string.Empty : rest[(wordEnd + 1)..];
            if (IsStatus(word) && current is not null && current.Status is null)
            {
                current.Status = word.Trim('"').ToLowerInvariant();
                current.Prefix = after;
                continue;
            }

            if (current is not null && current.Status is null)
            {
                throw new FormatException($"{_name}:{current.Line}: command without a tagged reply line");
            }

            current = IsStatus(word)
                ? new Command { Line = lineNumber, Connection = connection, Text = after, Status = word.Trim('"').ToLowerInvariant() }
                : new Command { Line = lineNumber, Connection = connection, Text = rest };
            commands.Add(current);
        }

        if (current is not null && current.Status is null)
        {
            throw new FormatException($"{_name}:{current.Line}: command without a tagged reply line");
        }

        return commands;
    }

    /// <summary>One mbox message: CRLF text and the INTERNALDATE (APPEND date-time) taken from its "From " line.</summary>
    public sealed record MboxMessage(string Text, string? Date);

    /// <summary>Splits an mbox into messages (CRLF line ends), dropping the "From " separator lines.</summary>
    public static List<MboxMessage> ParseMbox(string text)
    {
        var messages = new List<MboxMessage>();
        string? date = null;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        StringBuilder? current = null;
        var previousBlank = true;
        var pendingBlank = false;
        foreach (var line in lines)
        {
            if (previousBlank && line.StartsWith("From ", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    messages.Add(new MboxMessage(current.ToString(), date));
                }

                date = FromLineDate(line);
                current = new StringBuilder();
                pendingBlank = false;
                previousBlank = false;
                continue;
            }

            previousBlank = line.Length == 0;
            if (current is null)
            {
                continue;
            }

            // The blank line before the next "From " separator belongs to the mbox format, not to the message.
            if (pendingBlank)
            {
                current.Append("\r\n");
                pendingBlank = false;
            }

            if (line.Length == 0)
            {
                pendingBlank = true;
                continue;
            }

            current.Append(line.StartsWith(">From ", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }

        if (current is not null)
        {
            messages.Add(new MboxMessage(current.ToString(), date));
        }

        return messages;
    }

    /// <summary>"From addr  Sat Mar 24 23:00:00 2007 [+0200]" to the APPEND date-time "24-Mar-2007 23:00:00 +0200".</summary>
    private static string? FromLineDate(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 7 || !int.TryParse(words[4], NumberStyles.None, CultureInfo.InvariantCulture, out var day))
        {
            return null;
        }

        var zone = words.Length > 7 && (words[7].StartsWith('+') || words[7].StartsWith('-')) ? words[7] : "+0000";
        return string.Create(CultureInfo.InvariantCulture, $"{day:00}-{words[3]}-{words[6]} {words[5]} {zone}");
    }

    // ---------------------------------------------------------------- execution

    private async Task SetUpAsync(List<RawImapConnection> connections, string state, int messageCount)
    {
        if (state is "nonauth" or "auth")
        {
            return;
        }

        await ExpectOkAsync(connections[0], "CREATE " + MailboxName);
        if (state == "created")
        {
            return;
        }

        for (var i = 0; i < messageCount; i++)
        {
            var (_, tagged) = await AppendAsync(connections[0], "S" + i.ToString(CultureInfo.InvariantCulture), MailboxName);
            if (!tagged.Contains(" OK", StringComparison.OrdinalIgnoreCase))
            {
                throw new Xunit.Sdk.XunitException($"{_name}: setup APPEND failed: {tagged}\n{Transcript}");
            }
        }

        if (state == "appended")
        {
            return;
        }

        foreach (var connection in connections)
        {
            await ExpectOkAsync(connection, "SELECT " + MailboxName);
        }
    }

    private async Task ExpectOkAsync(RawImapConnection connection, string command)
    {
        var tag = "S" + (++_tag).ToString(CultureInfo.InvariantCulture);
        var reply = await connection.CommandAsync(tag, command);
        if (!reply[^1].StartsWith(tag + " OK", StringComparison.OrdinalIgnoreCase))
        {
            throw new Xunit.Sdk.XunitException($"{_name}: setup '{command}' failed: {reply[^1]}");
        }
    }

    private MboxMessage NextMessage()
    {
        if (_messages.Count == 0)
        {
            throw new InvalidOperationException(_name + ": no mbox messages to append");
        }

        var message = _messages[_nextMessage % _messages.Count];
        _nextMessage++;
        return message;
    }

    /// <summary>APPEND args + the next mbox message as a synchronizing literal.</summary>
    private async Task<(List<Response> Untagged, string Tagged)> AppendAsync(RawImapConnection connection, string tag, string args)
    {
        var next = NextMessage();
        var message = Encoding.UTF8.GetBytes(next.Text);

        // imaptest appends with the INTERNALDATE of the mbox "From " line unless the script gives one.
        var date = next.Date is not null && !args.Contains('"', StringComparison.Ordinal) ? $" \"{next.Date}\"" : string.Empty;
        var line = $"{tag} APPEND {args}{date} {{{message.Length}}}";
        Log(0, "C", line);
        await connection.SendAsync(line + "\r\n");
        var untagged = new List<Response>();
        while (true)
        {
            var response = await ReadResponseAsync(connection, 0);
            if (response.Raw.StartsWith('+'))
            {
                break;
            }

            if (response.Raw.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return (untagged, response.Raw);
            }

            untagged.Add(response);
        }

        await connection.SendBytesAsync([.. message, (byte)'\r', (byte)'\n']);
        Log(0, "C", $"<{message.Length} bytes>");
        while (true)
        {
            var response = await ReadResponseAsync(connection, 0);
            if (response.Raw.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return (untagged, response.Raw);
            }

            untagged.Add(response);
        }
    }

    private sealed record Response(string Raw, List<Node> Tokens);

    private void Log(int connection, string direction, string text)
        => _transcript.Append(CultureInfo.InvariantCulture, $"{direction}{(connection == 0 ? string.Empty : connection.ToString(CultureInfo.InvariantCulture))}: {text}\n");

    /// <summary>Reads one response, including any literals it carries.</summary>
    private async Task<Response> ReadResponseAsync(RawImapConnection connection, int number)
    {
        var raw = new StringBuilder();
        var parts = new List<(string Text, string? Literal)>();
        while (true)
        {
            var line = await connection.ReadLineAsync(s_commandTimeout);
            raw.Append(line);
            var open = line.LastIndexOf('{');
            if (line.EndsWith('}') && open >= 0 && int.TryParse(line.AsSpan(open + 1, line.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                var literal = Encoding.UTF8.GetString(await connection.ReadBytesAsync(length));
                parts.Add((line[..open], literal));
                raw.Append("\r\n").Append(literal);
                continue;
            }

            parts.Add((line, null));
            break;
        }

        var text = raw.ToString();
        Log(number, "S", text);
        List<Node> tokens;
        try
        {
            tokens = Tokenizer.Tokenize(parts);
        }
        catch (FormatException)
        {
            tokens = new List<Node>();
        }

        return new Response(text, tokens);
    }

    private async Task ExecuteAsync(RawImapConnection connection, Command command)
    {
        var tag = "T" + (++_tag).ToString(CultureInfo.InvariantCulture);

        // $tag is the tag of the command being run (ESEARCH's "(TAG ...)" correlator).
        _vars["tag"] = tag;
        var text = Substitute(command.Text);
        List<Response> untagged;
        string tagged;
        var firstWord = text.Split(' ', 2)[0];
        if (firstWord.Equals("append", StringComparison.OrdinalIgnoreCase) && !text.Contains('{', StringComparison.Ordinal))
        {
            var args = text.Length > "append".Length ? text["append ".Length..] : MailboxName;
            (untagged, tagged) = await AppendAsync(connection, tag, args);
        }
        else
        {
            Log(command.Connection, "C", $"{tag} {text}");
            await connection.SendAsync($"{tag} {text}\r\n");
            untagged = new List<Response>();
            while (true)
            {
                Response response;
                try
                {
                    response = await ReadResponseAsync(connection, command.Connection);
                }
                catch (Exception ex) when (ex is OperationCanceledException or EndOfStreamException)
                {
                    throw Fail(command, $"no tagged reply ({(ex is EndOfStreamException ? "connection closed" : "timed out")})");
                }

                if (response.Raw.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    tagged = response.Raw;
                    break;
                }

                untagged.Add(response);
            }
        }

        string? problem = CheckTagged(command, tag, tagged);
        problem ??= CheckUntagged(command, untagged);
        if (problem is null)
        {
            return;
        }

        if (_options.KnownDifferences.TryGetValue(command.Text.Trim(), out var reason))
        {
            _notes.Add($"{_name}:{command.Line}: known difference ({reason}): {problem}");
            return;
        }

        throw Fail(command, problem);
    }

    private Xunit.Sdk.XunitException Fail(Command command, string problem)
    {
        var transcript = _transcript.ToString().Split('\n');
        var tail = string.Join('\n', transcript.Skip(Math.Max(0, transcript.Length - 80)));
        return new Xunit.Sdk.XunitException($"{_name}:{command.Line}: '{command.Text}': {problem}\n--- transcript (tail) ---\n{tail}");
    }

    private string? CheckTagged(Command command, string tag, string tagged)
    {
        var rest = tagged[(tag.Length + 1)..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var status = space < 0 ? rest : rest[..space];
        if (command.Status is { Length: > 0 } expected && !status.Equals(expected, StringComparison.OrdinalIgnoreCase))
        {
            return $"expected tagged {expected.ToUpperInvariant()}, got '{tagged}'";
        }

        if (command.Prefix.Trim().Length == 0)
        {
            return null;
        }

        List<Node> expectedTokens;
        List<Node> actualTokens;
        try
        {
            expectedTokens = Tokenizer.Tokenize([(command.Prefix, null)]);
            actualTokens = Tokenizer.Tokenize([(space < 0 ? string.Empty : rest[(space + 1)..], null)]);
        }
        catch (FormatException)
        {
            return $"cannot parse tagged reply '{tagged}'";
        }

        var bindings = new Dictionary<string, string>(_vars, StringComparer.OrdinalIgnoreCase);
        if (actualTokens.Count < expectedTokens.Count
            || !MatchSequence(expectedTokens, actualTokens.Take(expectedTokens.Count).ToList(), bindings, Context.None))
        {
            return $"tagged reply '{tagged}' does not start with '{command.Prefix}'";
        }

        Commit(bindings);
        return null;
    }

    private string? CheckUntagged(Command command, List<Response> untagged)
    {
        var found = new bool[command.Untagged.Count];
        foreach (var response in untagged)
        {
            if (!response.Raw.StartsWith("* ", StringComparison.Ordinal))
            {
                continue;
            }

            var actual = response.Tokens.Skip(1).ToList();
            foreach (var (line, banned) in command.Banned)
            {
                var probe = new Dictionary<string, string>(_vars, StringComparer.OrdinalIgnoreCase);
                if (MatchResponse(Tokenizer.Tokenize([(banned, null)]), actual, probe))
                {
                    return $"banned reply (line {line}) '{banned}' matched '{response.Raw}'";
                }
            }

            for (var i = 0; i < found.Length; i++)
            {
                if (found[i])
                {
                    continue;
                }

                var bindings = new Dictionary<string, string>(_vars, StringComparer.OrdinalIgnoreCase);
                if (MatchResponse(Tokenizer.Tokenize([(command.Untagged[i].Text, null)]), actual, bindings))
                {
                    found[i] = true;
                    Commit(bindings);
                }
            }
        }

        for (var i = 0; i < found.Length; i++)
        {
            if (!found[i] && _options.NoRecent && IsRecentCount(command.Untagged[i].Text))
            {
                // WildDuck does not keep \Recent: "* n RECENT" is not sent unsolicited when the count stays 0.
                _notes.Add($"{_name}:{command.Untagged[i].Line}: '* {command.Untagged[i].Text}' not required (server does not keep \\Recent)");
                continue;
            }

            if (!found[i])
            {
                return $"expected untagged reply (line {command.Untagged[i].Line}) '* {command.Untagged[i].Text}' was not received";
            }
        }

        return null;
    }

    private static bool IsRecentCount(string text)
    {
        var tokens = Tokenizer.Tokenize([(text, null)]);
        return tokens.Count == 2 && IsWord(tokens[1], "recent");
    }

    private void Commit(Dictionary<string, string> bindings)
    {
        foreach (var (key, value) in bindings)
        {
            _vars[key] = value;
        }
    }

    /// <summary>Replaces <c>$var</c>/<c>${var}</c> in a command line; <c>$$</c> is a literal <c>$</c>.</summary>
    private string Substitute(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$')
            {
                sb.Append(text[i]);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }

            var (name, end) = ReadVariableName(text, i);
            if (name.Length > 0 && _vars.TryGetValue(name, out var value))
            {
                sb.Append(value);
                i = end - 1;
                continue;
            }

            throw new FormatException($"{_name}: unknown variable in '{text}'");
        }

        return sb.ToString();
    }

    private static (string Name, int End) ReadVariableName(string text, int dollar)
    {
        if (dollar + 1 < text.Length && text[dollar + 1] == '{')
        {
            var close = text.IndexOf('}', dollar + 2);
            return close < 0 ? (string.Empty, dollar + 1) : (text[(dollar + 2)..close], close + 1);
        }

        var end = dollar + 1;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
        {
            end++;
        }

        return (text[(dollar + 1)..end], end);
    }

    // ---------------------------------------------------------------- matching

    private enum Context
    {
        None,
        Fetch,
        FetchFlags,
        ListAttributes,
        Status,
    }

    private bool MatchResponse(List<Node> expected, List<Node> actual, Dictionary<string, string> bindings)
    {
        // "n RECENT": WildDuck does not keep \Recent, so the count is not compared.
        if (_options.NoRecent && expected.Count == 2 && actual.Count == 2 && IsWord(expected[1], "recent") && IsWord(actual[1], "recent"))
        {
            _notes.Add($"{_name}: RECENT count not compared (server does not keep \\Recent)");
            return true;
        }

        if (expected.Count > 0 && expected[0] is Atom { Value: var first }
            && (first.Equals("ok", StringComparison.OrdinalIgnoreCase) || first.Equals("no", StringComparison.OrdinalIgnoreCase)
                || first.Equals("bad", StringComparison.OrdinalIgnoreCase) || first.Equals("bye", StringComparison.OrdinalIgnoreCase)))
        {
            // Status responses: the trailing human-readable text is not compared.
            return actual.Count >= expected.Count && MatchSequence(expected, actual.Take(expected.Count).ToList(), bindings, Context.None);
        }

        if (expected.Count != actual.Count)
        {
            return false;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var context = Context.None;
            if (i == 2 && IsWord(expected[1], "fetch"))
            {
                context = Context.Fetch;
            }
            else if (i == 1 && (IsWord(expected[0], "list") || IsWord(expected[0], "lsub")))
            {
                context = Context.ListAttributes;
            }
            else if (i == 2 && IsWord(expected[0], "status"))
            {
                context = Context.Status;
            }

            if (!Match(expected[i], actual[i], bindings, context))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWord(Node node, string word) => node is Atom a && a.Value.Equals(word, StringComparison.OrdinalIgnoreCase);

    private bool MatchSequence(List<Node> expected, List<Node> actual, Dictionary<string, string> bindings, Context context)
    {
        if (expected.Count != actual.Count)
        {
            return false;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (!Match(expected[i], actual[i], bindings, context == Context.Fetch && i > 0 && IsWord(expected[i - 1], "flags") ? Context.FetchFlags : Context.None))
            {
                return false;
            }
        }

        return true;
    }

    private bool Match(Node expected, Node actual, Dictionary<string, string> bindings, Context context)
    {
        if (expected is Atom { Value: var value } && value.StartsWith('$') && !value.StartsWith("$$", StringComparison.Ordinal))
        {
            if (value == "$")
            {
                return true;
            }

            var (name, end) = ReadVariableName(value, 0);
            if (end == value.Length && name.Length > 0)
            {
                if (actual is ListNode)
                {
                    return false;
                }

                var actualValue = ((Scalar)actual).Value;
                if (name.All(char.IsAsciiDigit))
                {
                    // $N: the sequence number message N had when the command started (limitation: any number matches).
                    return uint.TryParse(actualValue, NumberStyles.None, CultureInfo.InvariantCulture, out _);
                }

                if (bindings.TryGetValue(name, out var bound))
                {
                    return bound.Equals(actualValue, StringComparison.OrdinalIgnoreCase);
                }

                bindings[name] = actualValue;
                return true;
            }

            expected = new Atom(SubstituteToken(value, bindings));
        }

        if (expected is ListNode expectedList)
        {
            return actual is ListNode actualList && expectedList.Open == actualList.Open && MatchList(expectedList, actualList, bindings, context);
        }

        if (actual is ListNode)
        {
            return false;
        }

        var e = (Scalar)expected;
        var a = (Scalar)actual;
        var expectedText = e is Atom ea ? SubstituteToken(ea.Value, bindings) : e.Value;
        if ((e is Atom && expectedText.Equals("NIL", StringComparison.OrdinalIgnoreCase)) != (a is Atom && a.Value.Equals("NIL", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        return expectedText.Equals(a.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static string SubstituteToken(string value, Dictionary<string, string> bindings)
    {
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$')
            {
                sb.Append(value[i]);
                continue;
            }

            if (i + 1 < value.Length && value[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }

            var (name, end) = ReadVariableName(value, i);
            if (name.Length > 0 && bindings.TryGetValue(name, out var bound))
            {
                sb.Append(bound);
                i = end - 1;
                continue;
            }

            sb.Append('$');
        }

        return sb.ToString();
    }

    private bool MatchList(ListNode expected, ListNode actual, Dictionary<string, string> bindings, Context context)
    {
        var items = new List<Node>();
        var chunk = 0;
        bool? extra = null;
        var ignore = new List<string>();
        var ban = new List<string>();
        var hasDirectives = false;
        foreach (var item in expected.Items)
        {
            if (item is Atom { Value: var v } && v.StartsWith("$!", StringComparison.Ordinal))
            {
                hasDirectives = true;
                var directive = v[2..];
                if (directive.Equals("ordered", StringComparison.OrdinalIgnoreCase))
                {
                    chunk = 0;
                }
                else if (directive.StartsWith("unordered", StringComparison.OrdinalIgnoreCase))
                {
                    chunk = directive.Contains('=', StringComparison.Ordinal) ? int.Parse(directive[(directive.IndexOf('=', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture) : 1;
                }
                else if (directive.Equals("noextra", StringComparison.OrdinalIgnoreCase))
                {
                    extra = false;
                }
                else if (directive.Equals("extra", StringComparison.OrdinalIgnoreCase))
                {
                    extra = true;
                }
                else if (directive.StartsWith("ignore=", StringComparison.OrdinalIgnoreCase))
                {
                    ignore.Add(directive["ignore=".Length..]);
                }
                else if (directive.StartsWith("ban=", StringComparison.OrdinalIgnoreCase))
                {
                    ban.Add(directive["ban=".Length..]);
                }

                continue;
            }

            items.Add(item);
        }

        if (!hasDirectives)
        {
            switch (context)
            {
                case Context.Fetch:
                case Context.Status:
                    chunk = 2;
                    break;
                case Context.FetchFlags:
                    chunk = 1;
                    extra = false;
                    ignore.Add("\\recent");
                    break;
                case Context.ListAttributes:
                    chunk = 1;
                    break;
            }
        }

        if (chunk == 0)
        {
            return MatchSequence(items, actual.Items, bindings, context);
        }

        var allowExtra = extra ?? true;
        var used = new bool[(actual.Items.Count + chunk - 1) / chunk];
        for (var i = 0; i < items.Count; i += chunk)
        {
            var group = items.Skip(i).Take(chunk).ToList();
            var matched = false;
            for (var j = 0; j < used.Length && !matched; j++)
            {
                if (used[j])
                {
                    continue;
                }

                var candidate = actual.Items.Skip(j * chunk).Take(chunk).ToList();
                var probe = new Dictionary<string, string>(bindings, StringComparer.OrdinalIgnoreCase);
                if (candidate.Count == group.Count && MatchChunk(group, candidate, probe, context))
                {
                    used[j] = true;
                    matched = true;
                    foreach (var (k, v) in probe)
                    {
                        bindings[k] = v;
                    }
                }
            }

            if (!matched)
            {
                if (_options.NoRecent && chunk == 1 && IsWord(group[0], "\\recent"))
                {
                    _notes.Add($"{_name}: expected \\Recent flag not required (server does not keep \\Recent)");
                    continue;
                }

                return false;
            }
        }

        for (var j = 0; j < used.Length; j++)
        {
            if (used[j])
            {
                continue;
            }

            var first = actual.Items[j * chunk];
            var text = first is Scalar sc ? sc.Value : null;
            if (text is not null && ban.Any(b => b.Equals(text, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            if (!allowExtra && !(text is not null && ignore.Any(x => x.Equals(text, StringComparison.OrdinalIgnoreCase))))
            {
                return false;
            }
        }

        return true;
    }

    private bool MatchChunk(List<Node> expected, List<Node> actual, Dictionary<string, string> bindings, Context context)
    {
        for (var i = 0; i < expected.Count; i++)
        {
            var inner = Context.None;
            if (i == 1 && context == Context.Fetch && IsWord(expected[0], "flags"))
            {
                inner = Context.FetchFlags;
            }

            // STATUS (RECENT n): WildDuck does not keep \Recent, so the count is not compared.
            if (i == 1 && context == Context.Status && _options.NoRecent && IsWord(expected[0], "recent") && IsWord(actual[0], "recent"))
            {
                _notes.Add($"{_name}: STATUS RECENT count not compared (server does not keep \\Recent)");
                continue;
            }

            if (!Match(expected[i], actual[i], bindings, inner))
            {
                return false;
            }
        }

        return true;
    }

    // ---------------------------------------------------------------- tokens

    private abstract record Node;

    private abstract record Scalar(string Value) : Node;

    /// <summary>An atom, number or NIL (also script tokens such as <c>$var</c>).</summary>
    private sealed record Atom(string Value) : Scalar(Value);

    /// <summary>A quoted string or literal.</summary>
    private sealed record Str(string Value) : Scalar(Value);

    private sealed record ListNode(char Open, List<Node> Items) : Node;

    private static class Tokenizer
    {
        public static List<Node> Tokenize(IReadOnlyList<(string Text, string? Literal)> parts)
        {
            var stack = new Stack<(char Open, List<Node> Items)>();
            var top = new List<Node>();
            var current = top;
            foreach (var (text, literal) in parts)
            {
                var i = 0;
                while (i < text.Length)
                {
                    var ch = text[i];
                    if (ch == ' ')
                    {
                        i++;
                    }
                    else if (ch is '(' or '[')
                    {
                        stack.Push((ch, current));
                        current = new List<Node>();
                        i++;
                    }
                    else if (ch is ')' or ']')
                    {
                        if (stack.Count == 0)
                        {
                            throw new FormatException("unbalanced " + ch);
                        }

                        var (open, parent) = stack.Pop();
                        parent.Add(new ListNode(open, current));
                        current = parent;
                        i++;
                    }
                    else if (ch == '"')
                    {
                        var sb = new StringBuilder();
                        i++;
                        while (i < text.Length && text[i] != '"')
                        {
                            if (text[i] == '\\' && i + 1 < text.Length)
                            {
                                i++;
                            }

                            sb.Append(text[i]);
                            i++;
                        }

                        if (i >= text.Length)
                        {
                            throw new FormatException("unterminated string");
                        }

                        i++;
                        current.Add(new Str(sb.ToString()));
                    }
                    else
                    {
                        var start = i;
                        var depth = 0;
                        while (i < text.Length)
                        {
                            var c = text[i];
                            if (c == '[' && i > start)
                            {
                                depth++;
                            }
                            else if (c == ']' && depth > 0)
                            {
                                depth--;
                            }
                            else if (depth == 0 && (c is ' ' or '(' or ')' or '"' or ']' || (c == '[' && i == start)))
                            {
                                break;
                            }

                            i++;
                        }

                        current.Add(new Atom(text[start..i]));
                    }
                }

                if (literal is not null)
                {
                    current.Add(new Str(literal));
                }
            }

            while (stack.Count > 0)
            {
                var (open, parent) = stack.Pop();
                parent.Add(new ListNode(open, current));
                current = parent;
            }

            return top;
        }
    }
}
