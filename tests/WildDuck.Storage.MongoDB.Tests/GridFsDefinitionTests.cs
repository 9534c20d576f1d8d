// SPDX-License-Identifier: MIT
using WildDuck.Storage.Mime;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>The BSON of the GridFS attachment store (reference §2.5).</summary>
public sealed class GridFsDefinitionTests
{
    private static readonly byte[] Bytes = Enumerable.Range(0, (GridFsAttachments.ChunkSize * 2) + 10).Select(i => (byte)i).ToArray();
    private static readonly ContentHash Hash = ContentHash.Compute(Bytes);
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

    private static string HashJson => "BinData(0, '" + Convert.ToBase64String(Hash.ToByteArray()) + "')";

    [Fact]
    public void A_file_id_is_the_32_byte_SHA256_as_generic_binary()
    {
        var id = GridFsAttachments.Id(Hash);

        id.SubType.Should().Be(BsonBinarySubType.Binary);
        id.Bytes.Should().HaveCount(32).And.Equal(Hash.ToByteArray());
        GridFsAttachments.FileFilter(id).Render().ShouldRenderAs("{ _id: " + HashJson + " }");
    }

    [Fact]
    public void A_reference_increments_c_by_one_and_m_by_the_magic_and_stamps_cu()
    {
        GridFsAttachments.ReferenceUpdate(1, 4711, Now).Render()
            .ShouldRenderAs("{ $inc: { 'metadata.c': NumberLong(1), 'metadata.m': NumberLong(4711) }, $set: { 'metadata.cu': ISODate('2026-01-02T03:04:05.678Z') } }");
        GridFsAttachments.ReferenceUpdate(-3, -9000, Now).Render()
            .ShouldRenderAs("{ $inc: { 'metadata.c': NumberLong(-3), 'metadata.m': NumberLong(-9000) }, $set: { 'metadata.cu': ISODate('2026-01-02T03:04:05.678Z') } }");
    }

    [Fact]
    public void A_new_file_carries_its_first_reference_in_WildDucks_metadata()
    {
        var body = new ExternalBody(Hash, Bytes, "application/pdf", "base64");

        GridFsAttachments.FileDocument(body, 4711, Now).ShouldRenderAs(
            "{ _id: " + HashJson + ", length: NumberLong(" + Bytes.Length + "), chunkSize: 261120, uploadDate: ISODate('2026-01-02T03:04:05.678Z'), filename: '" + Hash + "', contentType: 'application/pdf', " +
            "metadata: { c: NumberLong(1), m: NumberLong(4711), cu: ISODate('2026-01-02T03:04:05.678Z'), esize: NumberLong(" + Bytes.Length + "), transferEncoding: 'base64', decoded: false } }");
    }

    [Fact]
    public void Bodies_are_cut_into_255_KiB_chunks_numbered_from_zero()
    {
        var id = GridFsAttachments.Id(Hash);

        var chunks = GridFsAttachments.ChunkDocuments(id, Bytes);

        chunks.Select(c => c["n"].AsInt32).Should().Equal(0, 1, 2);
        chunks.Select(c => c["data"].AsByteArray.Length).Should().Equal(261120, 261120, 10);
        chunks.Should().OnlyContain(c => c["files_id"] == id && c["_id"].IsObjectId);
        chunks.SelectMany(c => c["data"].AsByteArray).Should().Equal(Bytes);
        chunks.Select(c => c.Names.ToArray()).Should().OnlyContain(n => n.SequenceEqual(new[] { "_id", "files_id", "n", "data" }));
        GridFsAttachments.ChunkDocuments(id, ReadOnlyMemory<byte>.Empty).Should().BeEmpty();
    }

    [Fact]
    public void Chunk_queries_select_by_file_and_number_in_order()
    {
        var id = GridFsAttachments.Id(Hash);

        GridFsAttachments.ChunkRangeFilter(id, 2, 3).Render().ShouldRenderAs("{ files_id: " + HashJson + ", n: { $gte: NumberLong(2), $lte: NumberLong(3) } }");
        GridFsAttachments.ChunksFilter(id).Render().ShouldRenderAs("{ files_id: " + HashJson + " }");
        GridFsAttachments.ChunkOrder.Render().ShouldRenderAs("{ files_id: 1, n: 1 }");
        GridFsAttachments.FileInfoProjection.Render().ShouldRenderAs("{ length: 1, chunkSize: 1 }");
    }

    [Fact]
    public void Orphan_chunks_are_those_written_before_a_time()
    {
        var id = GridFsAttachments.Id(Hash);
        var before = new DateTime(2026, 1, 2, 3, 0, 0, DateTimeKind.Utc);

        var smallest = GridFsAttachments.SmallestObjectId(before);

        smallest.CreationTime.Should().Be(before);
        smallest.ToString().Should().EndWith("0000000000000000");
        ObjectId.GenerateNewId(before).Should().BeGreaterThanOrEqualTo(smallest);
        ObjectId.GenerateNewId(before.AddSeconds(-1)).Should().BeLessThan(smallest);
        GridFsAttachments.OldChunksFilter(id, before).Render()
            .ShouldRenderAs("{ files_id: " + HashJson + ", _id: { $lt: ObjectId('" + smallest + "') } }");
    }

    [Fact]
    public void Garbage_collection_finds_files_with_both_counters_zero_untouched_since_the_cutoff_and_deletes_them_conditionally()
    {
        GridFsAttachments.CollectableFilter(Now).Render().ShouldRenderAs(
            "{ 'metadata.c': 0, 'metadata.m': 0, $or: [{ 'metadata.cu': { $lte: ISODate('2026-01-02T03:04:05.678Z') } }, { 'metadata.cu': { $exists: false } }] }");
        GridFsAttachments.CollectFilter(GridFsAttachments.Id(Hash)).Render()
            .ShouldRenderAs("{ _id: " + HashJson + ", 'metadata.c': 0, 'metadata.m': 0 }");
    }

    [Fact]
    public void Statistics_are_one_group_over_the_files()
    {
        GridFsAttachments.StatisticsPipeline().Render().Should().ContainSingle().Which.ShouldRenderAs(
            "{ $group: { _id: null, attachments: { $sum: 1 }, stored: { $sum: '$length' }, " +
            "referenced: { $sum: { $multiply: ['$length', { $max: ['$metadata.c', 0] }] } }, " +
            "unreferenced: { $sum: { $cond: [{ $lte: ['$metadata.c', 0] }, 1, 0] } } } }");
    }

    [Fact]
    public void References_are_grouped_per_file_with_counts_and_magic_sums()
    {
        var a = new byte[32];
        var b = Enumerable.Repeat((byte)1, 32).ToArray();

        var groups = GridFsAttachments.Group(new[] { (a, 10), (b, 5), ((byte[])a.Clone(), 7) });

        groups.Select(g => (g.Count, g.Magic)).Should().Equal((2L, 17L), (1L, 5L));
        groups[0].Id.Should().Equal(a);
    }
}
