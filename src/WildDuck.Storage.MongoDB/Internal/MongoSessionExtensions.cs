// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MongoDB.Driver;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// Collection operations that run inside the given session when there is one (a
/// transaction) and without a session otherwise, so each store method is written once.
/// </summary>
internal static class MongoSessionExtensions
{
    public static IFindFluent<T, T> FindWith<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter, FindOptions? options = null) =>
        session is null ? collection.Find(filter, options) : collection.Find(session, filter, options);

    public static Task InsertOneWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, T document, CancellationToken cancellationToken) =>
        session is null
            ? collection.InsertOneAsync(document, cancellationToken: cancellationToken)
            : collection.InsertOneAsync(session, document, cancellationToken: cancellationToken);

    public static Task InsertManyWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, IEnumerable<T> documents, CancellationToken cancellationToken) =>
        session is null
            ? collection.InsertManyAsync(documents, cancellationToken: cancellationToken)
            : collection.InsertManyAsync(session, documents, cancellationToken: cancellationToken);

    public static Task<UpdateResult> UpdateOneWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter, UpdateDefinition<T> update, UpdateOptions? options, CancellationToken cancellationToken) =>
        session is null
            ? collection.UpdateOneAsync(filter, update, options, cancellationToken)
            : collection.UpdateOneAsync(session, filter, update, options, cancellationToken);

    public static Task<UpdateResult> UpdateManyWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter, UpdateDefinition<T> update, CancellationToken cancellationToken) =>
        session is null
            ? collection.UpdateManyAsync(filter, update, cancellationToken: cancellationToken)
            : collection.UpdateManyAsync(session, filter, update, cancellationToken: cancellationToken);

    public static Task<T> FindOneAndUpdateWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter, UpdateDefinition<T> update, FindOneAndUpdateOptions<T> options, CancellationToken cancellationToken) =>
        session is null
            ? collection.FindOneAndUpdateAsync(filter, update, options, cancellationToken)
            : collection.FindOneAndUpdateAsync(session, filter, update, options, cancellationToken);

    public static Task<T> FindOneAndDeleteWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter, CancellationToken cancellationToken) =>
        session is null
            ? collection.FindOneAndDeleteAsync(filter, cancellationToken: cancellationToken)
            : collection.FindOneAndDeleteAsync(session, filter, cancellationToken: cancellationToken);

    public static Task<ReplaceOneResult> ReplaceOneWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter, T replacement, ReplaceOptions? options, CancellationToken cancellationToken) =>
        session is null
            ? collection.ReplaceOneAsync(filter, replacement, options, cancellationToken)
            : collection.ReplaceOneAsync(session, filter, replacement, options, cancellationToken);

    public static Task<DeleteResult> DeleteOneWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter, CancellationToken cancellationToken) =>
        session is null
            ? collection.DeleteOneAsync(filter, cancellationToken)
            : collection.DeleteOneAsync(session, filter, cancellationToken: cancellationToken);

    public static Task<DeleteResult> DeleteManyWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter, CancellationToken cancellationToken) =>
        session is null
            ? collection.DeleteManyAsync(filter, cancellationToken)
            : collection.DeleteManyAsync(session, filter, cancellationToken: cancellationToken);

    public static Task<long> CountWithAsync<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, FilterDefinition<T> filter, CancellationToken cancellationToken, CountOptions? options = null) =>
        session is null
            ? collection.CountDocumentsAsync(filter, options, cancellationToken)
            : collection.CountDocumentsAsync(session, filter, options, cancellationToken);

    public static IAggregateFluent<T> AggregateWith<T>(this IMongoCollection<T> collection, IClientSessionHandle? session, AggregateOptions? options = null) =>
        session is null ? collection.Aggregate(options) : collection.Aggregate(session, options);
}
