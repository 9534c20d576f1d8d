// SPDX-License-Identifier: MIT
using System;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace WildDuck.Storage.MongoDB.Internal;

/// <summary>
/// WildDuck's "a date or <c>false</c>" fields (autoreply <c>start</c>/<c>end</c>): <c>false</c> and
/// null read as null (open); null is written as absent (with <c>[BsonIgnoreIfNull]</c>), a date as a date.
/// </summary>
internal sealed class DateOrFalseSerializer : SerializerBase<DateTime?>
{
    public override DateTime? Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        var reader = context.Reader;
        switch (reader.GetCurrentBsonType())
        {
            case BsonType.DateTime:
                return DateTime.SpecifyKind(BsonUtils.ToDateTimeFromMillisecondsSinceEpoch(reader.ReadDateTime()), DateTimeKind.Utc);
            case BsonType.Boolean:
                _ = reader.ReadBoolean();
                return null;
            case BsonType.Null:
                reader.ReadNull();
                return null;
            default:
                throw CreateCannotDeserializeFromBsonTypeException(reader.GetCurrentBsonType());
        }
    }

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, DateTime? value)
    {
        if (value is { } date)
        {
            context.Writer.WriteDateTime(BsonUtils.ToMillisecondsSinceEpoch(date.ToUniversalTime()));
        }
        else
        {
            context.Writer.WriteNull();
        }
    }
}

/// <summary>
/// WildDuck's "milliseconds or falsy" fields (<c>retention</c> of users and mailboxes): a number
/// (32- or 64-bit, or a double) reads as its value; <c>false</c> and null read as null (none).
/// </summary>
internal sealed class MillisecondsOrFalseSerializer : SerializerBase<long?>
{
    public override long? Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        var reader = context.Reader;
        switch (reader.GetCurrentBsonType())
        {
            case BsonType.Int32:
                return reader.ReadInt32();
            case BsonType.Int64:
                return reader.ReadInt64();
            case BsonType.Double:
                return (long)reader.ReadDouble();
            case BsonType.Boolean:
                _ = reader.ReadBoolean();
                return null;
            case BsonType.Null:
                reader.ReadNull();
                return null;
            default:
                throw CreateCannotDeserializeFromBsonTypeException(reader.GetCurrentBsonType());
        }
    }

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, long? value)
    {
        if (value is { } ms)
        {
            context.Writer.WriteInt64(ms);
        }
        else
        {
            context.Writer.WriteNull();
        }
    }
}

/// <summary>
/// WildDuck's <c>tempPassword</c>: a document, or <c>false</c> (or null) for none; none is written as <c>false</c>.
/// </summary>
internal sealed class TempPasswordOrFalseSerializer : SerializerBase<Documents.TempPasswordDocument?>
{
    public override Documents.TempPasswordDocument? Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args)
    {
        var reader = context.Reader;
        switch (reader.GetCurrentBsonType())
        {
            case BsonType.Document:
                return BsonSerializer.LookupSerializer<Documents.TempPasswordDocument>().Deserialize(context);
            case BsonType.Boolean:
                _ = reader.ReadBoolean();
                return null;
            case BsonType.Null:
                reader.ReadNull();
                return null;
            default:
                throw CreateCannotDeserializeFromBsonTypeException(reader.GetCurrentBsonType());
        }
    }

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, Documents.TempPasswordDocument? value)
    {
        if (value is null)
        {
            context.Writer.WriteBoolean(false);
        }
        else
        {
            BsonSerializer.LookupSerializer<Documents.TempPasswordDocument>().Serialize(context, value);
        }
    }
}
