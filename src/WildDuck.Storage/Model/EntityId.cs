// SPDX-License-Identifier: MIT
using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Threading;

namespace WildDuck.Storage;

/// <summary>
/// A 12-byte identifier laid out like a MongoDB ObjectId (4-byte big-endian unix seconds,
/// 5 random bytes fixed per process, 3-byte counter), written as 24 lowercase hex digits.
/// </summary>
/// <remarks>
/// Every backend uses the same identifiers so that ids seen by clients (the HTTP API, POP3 UIDL)
/// survive a change of backend, and so that MongoDB can store them as native ObjectIds.
/// Ids sort by creation time, which keeps B-tree inserts append-mostly.
/// </remarks>
public readonly struct EntityId : IEquatable<EntityId>, IComparable<EntityId>, ISpanFormattable
{
    private static readonly long s_processRandom = CreateProcessRandom();
    private static int s_counter = RandomNumberGenerator.GetInt32(0, 0x00FFFFFF);

    private readonly uint _timestamp;
    private readonly ulong _rest; // 5 random bytes then the 3-byte counter, big-endian order

    private EntityId(uint timestamp, ulong rest)
    {
        _timestamp = timestamp;
        _rest = rest;
    }

    /// <summary>The empty id (all zero bytes); never produced by <see cref="NewId(TimeProvider?)"/>.</summary>
    public static EntityId Empty => default;

    /// <summary>True for <see cref="Empty"/>.</summary>
    public bool IsEmpty => _timestamp == 0 && _rest == 0;

    /// <summary>The creation time encoded in the id (second precision).</summary>
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeSeconds(_timestamp);

    /// <summary>Creates a new, process-unique, time-ordered id.</summary>
    public static EntityId NewId(TimeProvider? timeProvider = null)
    {
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        var counter = (uint)Interlocked.Increment(ref s_counter) & 0x00FFFFFF;
        return new EntityId((uint)now, ((ulong)s_processRandom << 24) | counter);
    }

    /// <summary>Reads an id from its 12-byte binary form.</summary>
    public static EntityId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 12)
        {
            throw new ArgumentException("An EntityId is exactly 12 bytes.", nameof(bytes));
        }

        var timestamp = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        ulong rest = 0;
        for (var i = 4; i < 12; i++)
        {
            rest = (rest << 8) | bytes[i];
        }

        return new EntityId(timestamp, rest);
    }

    /// <summary>Writes the 12-byte binary form.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        if (destination.Length < 12)
        {
            throw new ArgumentException("Destination needs 12 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, _timestamp);
        BinaryPrimitives.WriteUInt64BigEndian(destination[4..], _rest);
    }

    /// <summary>Returns the 12-byte binary form as a new array.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[12];
        WriteBytes(bytes);
        return bytes;
    }

    /// <summary>Parses 24 hex digits (either case).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out EntityId id) =>
        TryParse(text.AsSpan(), out id);

    /// <summary>Parses 24 hex digits (either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out EntityId id)
    {
        id = default;
        if (text.Length != 24)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[12];
        if (Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 12)
        {
            return false;
        }

        id = FromBytes(bytes);
        return true;
    }

    /// <summary>Parses 24 hex digits or throws <see cref="FormatException"/>.</summary>
    public static EntityId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException("An id is 24 hexadecimal digits.");

    /// <inheritdoc />
    public bool Equals(EntityId other) => _timestamp == other._timestamp && _rest == other._rest;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EntityId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_timestamp, _rest);

    /// <inheritdoc />
    public int CompareTo(EntityId other)
    {
        var c = _timestamp.CompareTo(other._timestamp);
        return c != 0 ? c : _rest.CompareTo(other._rest);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(EntityId left, EntityId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(EntityId left, EntityId right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(EntityId left, EntityId right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(EntityId left, EntityId right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(EntityId left, EntityId right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(EntityId left, EntityId right) => left.CompareTo(right) >= 0;

    /// <summary>24 lowercase hex digits.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[12];
        WriteBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        Span<byte> bytes = stackalloc byte[12];
        WriteBytes(bytes);
        return Convert.TryToHexStringLower(bytes, destination, out charsWritten);
    }

    private static long CreateProcessRandom()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return (long)(BinaryPrimitives.ReadUInt64BigEndian(random) & 0xFF_FFFF_FFFF);
    }
}
