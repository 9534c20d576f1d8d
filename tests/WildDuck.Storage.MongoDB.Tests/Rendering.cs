// SPDX-License-Identifier: MIT
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Renders driver definitions to the BSON the driver sends (3.x <c>Render(RenderArgs&lt;T&gt;)</c>).</summary>
internal static class Rendering
{
    public static RenderArgs<T> Args<T>() => new(BsonSerializer.SerializerRegistry.GetSerializer<T>(), BsonSerializer.SerializerRegistry);

    public static BsonDocument Render<T>(this FilterDefinition<T> filter) => filter.Render(Args<T>());

    public static BsonDocument Render<T>(this UpdateDefinition<T> update) => update.Render(Args<T>()).AsBsonDocument;

    public static BsonDocument Render<T>(this ProjectionDefinition<T> projection) => projection.Render(Args<T>());

    public static BsonDocument Render<T, TResult>(this ProjectionDefinition<T, TResult> projection) => projection.Render(Args<T>()).Document;

    public static BsonDocument Render<T>(this SortDefinition<T> sort) => sort.Render(Args<T>());

    public static BsonDocument Render<T>(this IndexKeysDefinition<T> keys) => keys.Render(Args<T>());

    public static IList<BsonDocument> Render<TIn, TOut>(this PipelineDefinition<TIn, TOut> pipeline) => pipeline.Render(Args<TIn>()).Documents;

    /// <summary>Parses relaxed JSON (<c>ObjectId(…)</c>, <c>NumberLong(…)</c>, <c>ISODate(…)</c>).</summary>
    public static BsonDocument Json(string json) => BsonDocument.Parse(json);

    /// <summary>Canonical extended JSON: compares values and their BSON types.</summary>
    public static string Canonical(this BsonValue value) =>
        value.ToJson(new JsonWriterSettings { OutputMode = JsonOutputMode.CanonicalExtendedJson });

    /// <summary>Asserts the rendered BSON equals the expected JSON, types included.</summary>
    public static void ShouldRenderAs(this BsonDocument actual, string expectedJson) =>
        actual.Canonical().Should().Be(Json(expectedJson).Canonical());
}
