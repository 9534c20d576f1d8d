// SPDX-License-Identifier: MIT
using System.Threading.Tasks;
using Xunit;

namespace WildDuck.Imap.Tests.Conversations;

public sealed class ConversationTests
{
    [Theory]
    [MemberData(nameof(Scripts))]
    public Task Conversation(string script) => ConversationRunner.RunFileAsync(script);

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var row in ConversationRunner.Scripts())
        {
            data.Add((string)row[0]);
        }

        return data;
    }
}
