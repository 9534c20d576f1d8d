// SPDX-License-Identifier: MIT
namespace WildDuck.Lmtp.Tests;

/// <summary>docs/architecture.md: protocol packages reference no storage backend and no other protocol.</summary>
public class ArchitectureTests
{
    [Fact]
    public void Lmtp_references_no_backend_and_no_other_protocol()
    {
        var references = typeof(IMailDeliveryAgent).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name ?? string.Empty)
            .ToArray();
        references.Should().NotContain(n => n.StartsWith("WildDuck.Storage.", StringComparison.Ordinal)
            || n == "WildDuck.Imap" || n == "WildDuck.Pop3" || n == "WildDuck.Api"
            || n.StartsWith("MongoDB", StringComparison.Ordinal) || n.StartsWith("Microsoft.Data", StringComparison.Ordinal)
            || n.StartsWith("StackExchange", StringComparison.Ordinal));
    }
}
