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
/// <c>WILDDUCK_IMAPTEST_SCRIPTS</c>. The scripts are not vendored; without the variable the theory is skipped.
/// </summary>
public sealed class ImapTestScriptTests
{
    public const string Variable = "WILDDUCK_IMAPTEST_SCRIPTS";
    private const string Unset = "(WILDDUCK_IMAPTEST_SCRIPTS unset)";

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

    /// <summary>Scripts that cannot pass because of a documented deliberate difference; skipped with the reason.</summary>
    private static readonly Dictionary<string, string> s_knownDifferentScripts = new(StringComparer.Ordinal)
    {
        ["subscribe"] = "WildDuck subscribes a mailbox when it is created (as the Node.js WildDuck does), so LSUB lists every created mailbox; the script assumes CREATE does not subscribe",
        ["listext"] = "WildDuck keeps the subscription on the mailbox record: CREATE subscribes and DELETE drops the subscription, so "
            + "LIST (SUBSCRIBED) lists every created mailbox and never a deleted one as \\NonExistent; the script assumes independent subscriptions",
    };

    [SkippableTheory]
    [MemberData(nameof(Scripts))]
    public async Task ImapTestScript(string script)
    {
        var directory = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrEmpty(directory) || script == Unset, $"{Variable} is not set to a directory of imaptest scripts (dovecot/imaptest src/tests)");
        Skip.If(s_knownDifferentScripts.TryGetValue(script, out var why), $"{script}: documented difference: {why}");
        var runner = await ImapTestScriptRunner.RunFileAsync(directory!, script, new ImapTestScriptRunner.Options { KnownDifferences = s_knownDifferences });
        foreach (var note in new SortedSet<string>(runner.Notes, StringComparer.Ordinal))
        {
            _output.WriteLine(note);
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
