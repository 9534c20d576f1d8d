// SPDX-License-Identifier: MIT
namespace WildDuck.Api.Tests;

/// <summary>The binding architecture: WildDuck.Api depends on WildDuck.Storage only (no backend, no protocol).</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void The_api_references_no_other_WildDuck_package_than_storage()
    {
        typeof(ApiOptions).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("WildDuck.", StringComparison.Ordinal))
            .Should().Equal("WildDuck.Storage");
    }
}
