// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using FluentAssertions;
using Xunit;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>The dependency rules of docs/architecture.md, checked from assembly references.</summary>
public sealed class ArchitectureTests
{
    private static readonly string[] Backends = { "WildDuck.Storage.Sqlite", "WildDuck.Storage.MongoDB", "WildDuck.Storage.Redis" };
    private static readonly string[] Protocols = { "WildDuck.Imap", "WildDuck.Pop3", "WildDuck.Lmtp" };
    private static readonly string[] Drivers = { "Microsoft.Data.Sqlite", "SQLitePCLRaw.core", "MongoDB.Driver", "MongoDB.Bson", "StackExchange.Redis" };

    public static IEnumerable<object[]> ShippedAssemblies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "WildDuck.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && !n.EndsWith(".Tests", StringComparison.Ordinal) && n is not "WildDuck.Server" and not "WildDuck.Storage.Conformance" and not "WildDuck.Benchmarks")
            .Select(n => new object[] { n! });

    [Fact]
    public void TheShippedAssembliesAreFound()
    {
        ShippedAssemblies().Select(a => (string)a[0]).Should().Contain(new[] { "WildDuck.Storage", "WildDuck.Storage.Sqlite" });
    }

    [Theory]
    [MemberData(nameof(ShippedAssemblies))]
    public void OnlyBackendsReferenceDatabaseDrivers(string assembly)
    {
        var references = ReferencesOf(assembly);
        if (Array.IndexOf(Backends, assembly) < 0)
        {
            references.Should().NotContain(Drivers, "only backend packages may reference a database driver");
            references.Should().NotContain(Backends, "nothing under src/ but a backend references a backend; hosts choose one");
        }
    }

    [Theory]
    [MemberData(nameof(ShippedAssemblies))]
    public void BackendsReferenceNoProtocolAndProtocolsNoEachOther(string assembly)
    {
        var references = ReferencesOf(assembly);
        if (Array.IndexOf(Backends, assembly) >= 0)
        {
            references.Should().NotContain(Protocols);
        }

        if (Array.IndexOf(Protocols, assembly) >= 0)
        {
            references.Should().NotContain(Protocols.Where(p => p != assembly));
        }
    }

    [Fact]
    public void TheStorageCoreReferencesNoNetworking()
    {
        ReferencesOf("WildDuck.Storage").Should().NotContain(new[] { "System.Net.Sockets", "System.Net.Security", "System.Net.Http" });
    }

    private static string[] ReferencesOf(string assembly) =>
        Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"))
            .GetReferencedAssemblies()
            .Select(a => a.Name!)
            .ToArray();
}
