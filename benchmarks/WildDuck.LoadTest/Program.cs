// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Globalization;

namespace WildDuck.LoadTest;

/// <summary>
/// IMAP load tool: works against any IMAP server over plain TCP (no TLS). See README.md.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }

        Console.WriteLine($"# {options.Scenario} {string.Join(' ', options.Arguments)} against {options.Host}:{options.Port} as {options.User} ({DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z)");
        return options.Scenario switch
        {
            "populate" => Scenarios.Populate(options),
            "fetch-body" => Scenarios.Fetch(options, "BODY.PEEK[]"),
            "fetch-meta" => Scenarios.Fetch(options, "(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)"),
            "search-body" => Scenarios.SearchBody(options),
            "idle-latency" => Scenarios.IdleLatency(options),
            "idle-connections" => Scenarios.IdleConnections(options).GetAwaiter().GetResult(),
            "pop3-retr" => Scenarios.Pop3Retrieve(options),
            "lmtp-deliver" => LmtpScenarios.Deliver(options).GetAwaiter().GetResult(),
            _ => Fail("unknown scenario " + options.Scenario),
        };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine(Options.Usage);
        return 2;
    }
}

internal sealed class Options
{
    public const string Usage = """
        usage: WildDuck.LoadTest [--host H] [--port P] [--user U] [--password W] [--runs R]
                                 [--users N] [--pid PID] [--gcdump FILE] [--corpus DIR] [--mailbox M] SCENARIO [ARGS]
          populate [N=5000]          APPEND N corpus messages to the mailbox (tops up to N)
          fetch-body                 FETCH 1:* BODY.PEEK[]
          fetch-meta                 FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)
          search-body WORD           SEARCH BODY WORD
          idle-latency [K=200]       IDLE on one connection, APPEND K messages on another
          idle-connections [N=1000]  N authenticated IDLE connections; RSS of --pid (and its children)
                                     with --gcdump FILE: again after a full GC (dotnet-gcdump), heap dump kept
          pop3-retr [DEPTH=1]        POP3 (--port is the POP3 port): RETR every message, DEPTH in flight
          lmtp-deliver [N=5000] [C=1] deliver N corpus messages over LMTP on C connections to --rcpt
        --user may contain {i}: connection k logs in as the user with {i} = 1 + k % --users.
        --rcpt (LMTP recipient, default loaduser@localhost) may contain {i} the same way.
        """;

    public string Host { get; private set; } = "127.0.0.1";
    public int Port { get; private set; } = 1143;
    public string User { get; private set; } = "loaduser";
    public string Password { get; private set; } = "pass";
    public string Mailbox { get; private set; } = "INBOX";
    public string Recipient { get; private set; } = "loaduser@localhost";
    public int Runs { get; private set; } = 5;
    public int Users { get; private set; } = 1;
    public int? Pid { get; private set; }
    public string? GcDump { get; private set; }
    public string? Corpus { get; private set; }
    public string Scenario { get; private set; } = "";
    public List<string> Arguments { get; } = [];

    public string RecipientFor(int k) => Recipient.Replace("{i}", (1 + (k % Users)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public string UserFor(int k) => User.Replace("{i}", (1 + (k % Users)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException("missing value for " + args[i]);
            switch (args[i])
            {
                case "--host": o.Host = Next(); break;
                case "--port": o.Port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--user": o.User = Next(); break;
                case "--password": o.Password = Next(); break;
                case "--mailbox": o.Mailbox = Next(); break;
                case "--rcpt": o.Recipient = Next(); break;
                case "--runs": o.Runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--users": o.Users = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pid": o.Pid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--corpus": o.Corpus = Next(); break;
                case "--gcdump": o.GcDump = Next(); break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new ArgumentException("unknown option " + args[i]);
                    }

                    if (o.Scenario.Length == 0)
                    {
                        o.Scenario = args[i];
                    }
                    else
                    {
                        o.Arguments.Add(args[i]);
                    }

                    break;
            }
        }

        return o.Scenario.Length == 0 ? throw new ArgumentException("no scenario") : o;
    }

    public int IntArgument(int index, int fallback) =>
        Arguments.Count > index ? int.Parse(Arguments[index], CultureInfo.InvariantCulture) : fallback;
}

internal static class Stats
{
    public static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        var n = sorted.Count;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(List<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public static string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);
}
