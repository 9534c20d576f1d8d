// SPDX-License-Identifier: MIT
namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>
/// Extension-method spelling of <see cref="Rendered"/> (3.x <c>Render(RenderArgs&lt;T&gt;)</c>); every
/// member delegates there so the two test styles share one rendering path.
/// </summary>
internal static class Rendering
{
    public static BsonDocument Render<T>(this FilterDefinition<T> filter) => Rendered.Filter(filter);

    public static BsonDocument Render<T>(this UpdateDefinition<T> update) => Rendered.Update(update).AsBsonDocument;

    public static BsonDocument Render<T>(this ProjectionDefinition<T> projection) => Rendered.Projection(projection);

    public static BsonDocument Render<T, TResult>(this ProjectionDefinition<T, TResult> projection) => Rendered.Projection(projection);

    public static BsonDocument Render<T>(this SortDefinition<T> sort) => Rendered.Sort(sort);

    public static BsonDocument Render<T>(this IndexKeysDefinition<T> keys) => Rendered.Keys(keys);

    public static IList<BsonDocument> Render<TIn, TOut>(this PipelineDefinition<TIn, TOut> pipeline) => Rendered.Pipeline(pipeline).Select(d => d.AsBsonDocument).ToList();

    /// <summary>Parses relaxed JSON (<c>ObjectId(…)</c>, <c>NumberLong(…)</c>, <c>ISODate(…)</c>).</summary>
    public static BsonDocument Json(string json) => Rendered.Json(json);

    /// <summary>Asserts the rendered BSON equals the expected JSON, types included.</summary>
    public static void ShouldRenderAs(this BsonDocument actual, string expectedJson) =>
        actual.Canonical().Should().Be(Json(expectedJson).Canonical());
}
