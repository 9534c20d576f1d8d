// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using FluentAssertions;
using Xunit;

namespace WildDuck.Filters.Tests;

/// <summary>docs/architecture.md: WildDuck.Filters depends on WildDuck.Storage only.</summary>
public class ArchitectureTests
{
    [Fact]
    public void Filters_references_only_storage_among_project_assemblies()
    {
        var references = typeof(FilterEvaluator).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name ?? string.Empty)
            .Where(n => n.StartsWith("WildDuck.", StringComparison.Ordinal) || n.StartsWith("MongoDB", StringComparison.Ordinal)
                || n.StartsWith("Microsoft.Data", StringComparison.Ordinal) || n.StartsWith("StackExchange", StringComparison.Ordinal)
                || n.StartsWith("MailKit", StringComparison.Ordinal))
            .ToArray();
        references.Should().BeEquivalentTo("WildDuck.Storage");
    }
}
