// SPDX-License-Identifier: MIT
namespace WildDuck.Pop3.Tests;

/// <summary>docs/architecture.md: protocol packages reference no storage backend and no other protocol.</summary>
public class ArchitectureTests
{
    [Fact]
    public void Pop3_references_no_backend_and_no_other_protocol()
    {
        var references = System.Reflection.Assembly.Load("WildDuck.Pop3").GetReferencedAssemblies()
            .Select(a => a.Name ?? string.Empty)
            .ToArray();
        references.Should().NotContain(n => n.StartsWith("WildDuck.Storage.", StringComparison.Ordinal)
            || n == "WildDuck.Imap" || n == "WildDuck.Lmtp" || n == "WildDuck.Api"
            || n.StartsWith("MongoDB", StringComparison.Ordinal) || n.StartsWith("Microsoft.Data", StringComparison.Ordinal)
            || n.StartsWith("StackExchange", StringComparison.Ordinal));
    }
}
