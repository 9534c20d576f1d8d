// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace WildDuck.Imap.Tests.ImapTest;

/// <summary>
/// Runs Dovecot imaptest's scripted compliance tests (<c>src/tests/</c> of dovecot/imaptest) found in the directory named by
/// <c>WILDDUCK_IMAPTEST_SCRIPTS</c>. With <c>WILDDUCK_IMAPTEST_BIN</c> naming a locally built imaptest binary, each script
/// runs through imaptest itself (<see cref="ImapTestBinaryRunner"/>); without it, through this repository's own
/// reimplementation of the script format (<see cref="ImapTestScriptRunner"/>). Neither the scripts nor imaptest are
/// vendored; without the variables the theory is skipped with the reason. docs/compliance.md has the result table.
/// </summary>
public sealed class ImapTestScriptTests
{
    public const string Variable = "WILDDUCK_IMAPTEST_SCRIPTS";
    public const string BinaryVariable = "WILDDUCK_IMAPTEST_BIN";
    private const string Unset = "(WILDDUCK_IMAPTEST_SCRIPTS unset)";

    /// <summary>
    /// Scripts that imaptest itself does not pass against WildDuck, with the reason (docs/compliance.md). Keys are script
    /// names. A listed script that passes is reported as passed; an unlisted failure fails the test.
    /// </summary>
    private static readonly Dictionary<string, string> s_knownBinaryFailures = new(StringComparer.Ordinal)
    {
        // Deliberate differences (Dovecot 2.3 passes these).
        ["copy"] = "no \\Recent (RFC 9051 §2.3.2 removed it): the script expects \\Recent on copied messages and * n RECENT",
        ["select"] = "no \\Recent: the script expects * n RECENT and STATUS (RECENT n) counts",
        ["search-flags"] = "no \\Recent: SEARCH NEW/OLD/RECENT",
        ["expunge"] = "no \\Recent, and a FETCH of a message another session expunged gets NO [EXPUNGEISSUED] (RFC 2180 §4.1.3) where imaptest expects the old data",
        ["listext"] = "LIST (SUBSCRIBED RECURSIVEMATCH) with two patterns, one naming a subscribed child: WildDuck also returns the unsubscribed parent with CHILDINFO, imaptest (and Dovecot) expect it omitted; Dovecot fails another command of this script",
        ["fetch-binary-mime"] = "BINARY[TEXT], BINARY[1.MIME], BINARY[2.HEADER...] are not in RFC 3516's grammar (section-binary takes part numbers only) and get BAD; Dovecot accepts them",
        ["fetch-binary-mime-base64"] = "fails on Dovecot 2.3 too (its .mbox is missing from the stored imaptest sources); also uses BINARY[5]<15>, a partial without length that RFC 3501's grammar does not allow",
    };

    /// <summary>Scripts that fail against Dovecot 2.3 as well: imaptest version or data issues, not server behaviour.</summary>
    private static readonly Dictionary<string, string> s_failOnDovecotToo = new(StringComparer.Ordinal)
    {
        ["esearch-condstore"] = "fails on Dovecot 2.3 too: this script version predates the runner's ordered $modseqN checks",
        ["fetch-body"] = "fails on Dovecot 2.3 too: expects a default.mbox with other messages than the stored one",
        ["fetch-bodystructure"] = "fails on Dovecot 2.3 too: script and .mbox are from different imaptest versions",
        ["nil"] = "fails on Dovecot 2.3 too: expects a default.mbox with other messages than the stored one",
        ["search-body"] = "fails on Dovecot 2.3 too: its .mbox is missing from the stored imaptest sources",
        ["search-date"] = "fails on Dovecot 2.3 too: its .mbox is missing from the stored imaptest sources",
        ["search-size"] = "fails on Dovecot 2.3 too: expects a default.mbox with other messages than the stored one",
    };

    private readonly ITestOutputHelper _output;

    public ImapTestScriptTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>
    /// Documented deliberate differences, keyed by the command as written in the script. WildDuck does not keep \Recent
    /// (RFC 9051 section 2.3.2 removed it), so NEW and RECENT match no message and OLD matches every message.
    /// </summary>
    private static readonly Dictionary<string, string> s_knownDifferences = new(StringComparer.OrdinalIgnoreCase)
    {
        ["search new"] = "no \\Recent: NEW (= RECENT UNSEEN) matches nothing",
        ["search old"] = "no \\Recent: OLD (= NOT RECENT) matches every message",
        ["search recent"] = "no \\Recent: RECENT matches nothing",
        ["fetch $seq uid"] = "RFC 2180 §4.1.3: a FETCH of a message another session expunged (not yet reported) returns the other "
            + "messages and a tagged NO [EXPUNGEISSUED]; imaptest expects the old data (RFC 2180 §4.1.1 style), which a stateless session no longer has",
    };

    [SkippableTheory]
    [MemberData(nameof(Scripts))]
    public async Task ImapTestScript(string script)
    {
        var directory = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrEmpty(directory) || script == Unset, $"{Variable} is not set to a directory of imaptest scripts (dovecot/imaptest src/tests)");
        var binary = Environment.GetEnvironmentVariable(BinaryVariable);
        if (!string.IsNullOrEmpty(binary))
        {
            await RunWithImapTestAsync(binary, Path.Combine(directory!, script), script);
            return;
        }

        ImapTestScriptRunner runner;
        try
        {
            runner = await ImapTestScriptRunner.RunFileAsync(directory!, script, new ImapTestScriptRunner.Options { KnownDifferences = s_knownDifferences });
        }
        catch (Exception e) when (e is not SkipException
            && (s_failOnDovecotToo.TryGetValue(script, out var known) || s_knownBinaryFailures.TryGetValue(script, out known)))
        {
            _output.WriteLine(e.Message);
            Skip.If(true, $"{script}: known failure: {known}");
            throw;
        }

        foreach (var note in new SortedSet<string>(runner.Notes, StringComparer.Ordinal))
        {
            _output.WriteLine(note);
        }
    }

    private async Task RunWithImapTestAsync(string binary, string scriptPath, string script)
    {
        Skip.IfNot(File.Exists(binary), $"{BinaryVariable}={binary} does not exist");
        var result = await ImapTestBinaryRunner.RunAsync(binary, scriptPath);
        _output.WriteLine(result.Output);
        switch (result.Outcome)
        {
            case ImapTestBinaryRunner.Outcome.Passed:
                return;
            case ImapTestBinaryRunner.Outcome.SkippedForCapabilities:
                Skip.If(true, $"{script}: imaptest skipped it, the server does not advertise a capability its header requires");
                return;
            default:
                Skip.If(s_knownBinaryFailures.TryGetValue(script, out var known) || s_failOnDovecotToo.TryGetValue(script, out known), $"{script}: known imaptest failure: {known}");
                throw new Xunit.Sdk.XunitException($"imaptest script {script} failed against WildDuck:\n{result.Output}");
        }
    }

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        var directory = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            data.Add(Unset);
            return data;
        }

        foreach (var script in ImapTestScriptRunner.FindScripts(directory))
        {
            data.Add(script);
        }

        return data;
    }
}
