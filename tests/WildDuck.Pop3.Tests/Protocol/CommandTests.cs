// SPDX-License-Identifier: MIT
using System.Text;
using WildDuck.Pop3.Protocol;
using WildDuck.Pop3.Session;
using WildDuck.Storage;

namespace WildDuck.Pop3.Tests.Protocol;

public class CommandTests
{
    [Theory]
    [InlineData("USER alice", "User", "alice")]
    [InlineData("pass a b c", "Pass", "a b c")]
    [InlineData("Auth PLAIN x", "Auth", "PLAIN x")]
    [InlineData("CAPA", "Capa", "")]
    [InlineData("stls", "Stls", "")]
    [InlineData("STAT", "Stat", "")]
    [InlineData("LIST 1", "List", "1")]
    [InlineData("uidl", "Uidl", "")]
    [InlineData("TOP 1 2", "Top", "1 2")]
    [InlineData("top 1 2", "Top", "1 2")]
    [InlineData("RETR 7", "Retr", "7")]
    [InlineData("DELE 7", "Dele", "7")]
    [InlineData("RSET", "Rset", "")]
    [InlineData("NOOP", "Noop", "")]
    [InlineData("QUIT", "Quit", "")]
    [InlineData("APOP a b", "Unknown", "a b")]
    [InlineData("RETRX 1", "Unknown", "1")]
    [InlineData("TO", "Unknown", "")]
    [InlineData("", "Unknown", "")]
    [InlineData("ST\u00c0T", "Unknown", "")]
    [InlineData("\u0013TOP", "Unknown", "")]
    public void Keywords_are_case_insensitive_and_arguments_follow_one_space(string line, string kind, string arguments)
    {
        var bytes = Encoding.Latin1.GetBytes(line);
        var command = Pop3Command.Parse(bytes);
        command.Kind.Should().Be(Enum.Parse<Pop3CommandKind>(kind));
        Encoding.Latin1.GetString(bytes.AsSpan(command.ArgumentsStart)).Should().Be(arguments);
    }

    [Theory]
    [InlineData("1", true, 1)]
    [InlineData("0", true, 0)]
    [InlineData("000012", true, 12)]
    [InlineData("999999999", true, 999_999_999)]
    [InlineData("1000000000", false, 0)]
    [InlineData("", false, 0)]
    [InlineData("-1", false, 0)]
    [InlineData("+1", false, 0)]
    [InlineData("1a", false, 0)]
    [InlineData(" 1", false, 0)]
    public void Numbers_are_plain_decimal(string token, bool ok, int value)
    {
        Pop3Command.TryParseNumber(Encoding.ASCII.GetBytes(token), out var parsed).Should().Be(ok);
        if (ok)
        {
            parsed.Should().Be(value);
        }
    }

    [Theory]
    [InlineData("User", "Authorization")]
    [InlineData("Pass", "Authorization")]
    [InlineData("Auth", "Authorization")]
    [InlineData("Stls", "Authorization")]
    [InlineData("Capa", "Any")]
    [InlineData("Quit", "Any")]
    [InlineData("Stat", "Transaction")]
    [InlineData("Noop", "Transaction")]
    [InlineData("Unknown", "None")]
    public void The_state_table_follows_RFC_1939(string kind, string states)
        => Pop3Command.AllowedStates(Enum.Parse<Pop3CommandKind>(kind)).Should().Be(Enum.Parse<Pop3States>(states));

    [Theory]
    [InlineData("\0alice\0secret", true, "", "alice", "secret")]
    [InlineData("alice\0alice\0se cret", true, "alice", "alice", "se cret")]
    [InlineData("\0alice\0", true, "", "alice", "")]
    [InlineData("alice\0secret", false, "", "", "")]
    [InlineData("\0\0secret", false, "", "", "")]
    [InlineData("\0a\0b\0c", false, "", "", "")]
    public void SASL_PLAIN_responses_decode_into_three_parts(string decoded, bool ok, string authorization, string user, string password)
    {
        var base64 = Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(decoded)));
        Pop3Session.TryDecodePlain(base64, out var a, out var u, out var p).Should().Be(ok);
        if (ok)
        {
            (a, u, p).Should().Be((authorization, user, password));
        }
    }

    [Theory]
    [InlineData("1:10", 3, "8:10")]
    [InlineData("1:10", 20, "1:10")]
    [InlineData("1:3,7,9:12", 5, "7,9:12")]
    [InlineData("1:3,7,9:12", 6, "3,7,9:12")]
    [InlineData("", 5, "")]
    public void The_maildrop_takes_the_newest_UIDs(string uids, int max, string expected)
    {
        var all = UidSet.FromUids(Expand(uids));
        Pop3Session.Newest(all, max).Ranges.ToArray().Should().Equal(UidSet.FromUids(Expand(expected)).Ranges.ToArray());
    }

    private static IEnumerable<uint> Expand(string set)
    {
        foreach (var part in set.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split(':').Select(uint.Parse).ToArray();
            for (var uid = bounds[0]; uid <= bounds[^1]; uid++)
            {
                yield return uid;
            }
        }
    }
}
