// SPDX-License-Identifier: MIT
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Renders driver definitions to the BSON the server receives, without a server.</summary>
internal static class Rendered
{
    public static BsonDocument Filter<T>(FilterDefinition<T> filter) => filter.Render(Args<T>());

    public static BsonValue Update<T>(UpdateDefinition<T> update) => update.Render(Args<T>());

    public static BsonDocument Sort<T>(SortDefinition<T> sort) => sort.Render(Args<T>());

    public static BsonDocument Keys<T>(IndexKeysDefinition<T> keys) => keys.Render(Args<T>());

    public static BsonDocument Projection<T>(ProjectionDefinition<T> projection) => projection.Render(Args<T>());

    public static BsonDocument Projection<T, TResult>(ProjectionDefinition<T, TResult> projection) => projection.Render(Args<T>()).Document;

    public static BsonArray Pipeline<T, TResult>(PipelineDefinition<T, TResult> pipeline) => new(pipeline.Render(Args<T>()).Documents);

    public static BsonArray Pipeline<T, TResult>(PipelineDefinition<T, TResult> pipeline, IBsonSerializer<T> input) =>
        new(pipeline.Render(new RenderArgs<T>(input, BsonSerializer.SerializerRegistry)).Documents);

    /// <summary>Canonical extended JSON: compares values and their BSON types.</summary>
    public static string Canonical(this BsonValue value) =>
        value.ToJson(new JsonWriterSettings { OutputMode = JsonOutputMode.CanonicalExtendedJson });

    /// <summary>A document from MongoDB shell syntax (ObjectId('…'), NumberLong(…), ISODate('…')).</summary>
    public static BsonDocument Json(string json) => BsonDocument.Parse(json);

    /// <summary>
    /// Asserts BSON equality, types included (an Int32 1 is not an Int64 1); the failure shows both
    /// sides in canonical extended JSON.
    /// </summary>
    public static void ShouldBe(this BsonValue actual, BsonValue expected)
    {
        actual.Canonical().Should().Be(expected.Canonical());
        actual.Should().Match<BsonValue>(a => a.Equals(expected));
    }

    /// <summary>Render arguments for <typeparamref name="T"/> from the default serializer registry.</summary>
    public static RenderArgs<T> Args<T>() => new(BsonSerializer.SerializerRegistry.GetSerializer<T>(), BsonSerializer.SerializerRegistry);
}
