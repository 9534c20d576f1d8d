// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using WildDuck.Storage.Conformance;
using WildDuck.Storage.Mime;
using Xunit;
using Xunit.Abstractions;

namespace WildDuck.Storage.Sqlite.Tests;

/// <summary>Stores every corpus message in one SQLite store once, for <see cref="SqliteCorpusTests"/>.</summary>
public sealed class CorpusStoreFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();

    public SqliteMailStore Store { get; private set; } = null!;

    public UserId User { get; private set; }

    public MailboxId Inbox { get; private set; }

    public Dictionary<string, uint> Uids { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Store = SqliteTestStore.Create(_dir.File("corpus.db"));
        var user = await Store.CreateUserAsync(new CreateUserRequest { Username = "corpus", Password = "corpus-password" });
        User = user.Id;
        Inbox = (await Store.FindMailboxAsync(user.Id, "INBOX"))!.Id;
        foreach (var name in CorpusMessages.Names())
        {
            var result = await Store.AppendAsync(User, Inbox, new AppendRequest { Content = CorpusMessages.Load(name) });
            Uids[name] = result.Uid;
        }
    }

    public Task DisposeAsync()
    {
        Store.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Every corpus message through the SQLite store: byte-identical back, RFC822.SIZE exact, and every
/// part's sections and sizes identical to the in-memory pipeline (which the pipeline tests check
/// against MimeKit).
/// </summary>
public sealed class SqliteCorpusTests(CorpusStoreFixture fixture, ITestOutputHelper output) : IClassFixture<CorpusStoreFixture>
{
    public static IEnumerable<object[]> Messages() => CorpusMessages.Names().Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task EveryCorpusMessageComesBackByteIdenticalWithItsSections(string name)
    {
        var raw = CorpusMessages.Load(name);
        var normalized = MessageNormalizer.Normalize(raw, long.MaxValue).ToArray();
        var uid = fixture.Uids[name];

        var record = (await fixture.Store.GetMessageAsync(fixture.User, fixture.Inbox, uid, MessageFields.Envelope | MessageFields.Structure))!;
        record.Size.Should().Be(normalized.Length, "RFC822.SIZE is the normalised length");
        record.Envelope.Should().NotBeNull();
        record.BodyStructure.Should().NotBeNull();

        var stored = (await fixture.Store.OpenContentAsync(fixture.User, fixture.Inbox, uid))!;
        (await ReadAsync(stored, SectionSpec.WholeMessage)).Should().Equal(normalized);

        // The reference: the same message indexed in memory.
        var indexed = new MessageIndexer(new MessageLimits()).Index(raw);
        var memory = MessageContent.FromIndexed(indexed);
        foreach (var spec in SectionsOf(stored.Layout.Root))
        {
            var expected = await memory.ResolveSectionAsync(spec);
            var actual = await stored.ResolveSectionAsync(spec);
            actual.Status.Should().Be(expected.Status, "section {0}", Describe(spec));
            actual.TotalLength.Should().Be(expected.TotalLength, "section {0} size", Describe(spec));
            (await actual.ToArrayAsync()).Should().Equal(await expected.ToArrayAsync(), "section {0}", Describe(spec));
        }
    }

    [Fact]
    public async Task TheCorpusIsStoredConsistentlyAndDedupSavingsAreReported()
    {
        var report = await fixture.Store.CheckAsync();
        report.Problems.Should().BeEmpty();
        report.Messages.Should().Be(fixture.Uids.Count);

        var once = await fixture.Store.GetStatisticsAsync();
        var inbox = (await fixture.Store.GetMailboxAsync(fixture.User, fixture.Inbox))!;
        output.WriteLine($"corpus: {fixture.Uids.Count} messages, {inbox.TotalSize} bytes; {once.Attachments} distinct attachments, {once.StoredBytes} bytes stored for {once.ReferencedBytes} referenced (saved {once.ReferencedBytes - once.StoredBytes} bytes by dedup)");
        once.StoredBytes.Should().BeLessThanOrEqualTo(once.ReferencedBytes);
    }

    private static IEnumerable<SectionSpec> SectionsOf(MimePartNode root)
    {
        yield return new SectionSpec { Kind = SectionKind.Header };
        yield return new SectionSpec { Kind = SectionKind.Text };
        yield return new SectionSpec { Kind = SectionKind.HeaderFields, FieldNames = new[] { "Subject", "From", "Content-Type" } };
        yield return new SectionSpec { Kind = SectionKind.HeaderFieldsNot, FieldNames = new[] { "Received" } };
        yield return new SectionSpec { PartialOffset = 17, PartialLength = 1000 };
        foreach (var path in PartPaths(root, new List<int>()))
        {
            yield return new SectionSpec { Part = path };
            yield return new SectionSpec { Part = path, Kind = SectionKind.Mime };
            yield return new SectionSpec { Part = path, Binary = true };
        }
    }

    private static IEnumerable<int[]> PartPaths(MimePartNode node, List<int> prefix)
    {
        if (!node.IsMultipart)
        {
            if (prefix.Count == 0)
            {
                yield return new[] { 1 };
            }

            yield break;
        }

        for (var i = 0; i < node.Children.Count; i++)
        {
            prefix.Add(i + 1);
            yield return prefix.ToArray();
            foreach (var nested in PartPaths(node.Children[i], prefix))
            {
                yield return nested;
            }

            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    private static string Describe(SectionSpec spec) =>
        string.Join('.', spec.Part) + "/" + spec.Kind + (spec.Binary ? "/BINARY" : string.Empty);

    private static async Task<byte[]> ReadAsync(MessageContent content, SectionSpec spec)
    {
        var section = await content.ResolveSectionAsync(spec);
        using var ms = new MemoryStream();
        await section.WriteToAsync(ms);
        return ms.ToArray();
    }
}
