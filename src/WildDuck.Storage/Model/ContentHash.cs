// SPDX-License-Identifier: MIT
using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WildDuck.Storage;

/// <summary>
/// The SHA-256 of an attachment's encoded bytes: the key under which the attachment store keeps
/// one copy of identical leaf bodies (WildDuck keys GridFS files the same way).
/// </summary>
public readonly struct ContentHash : IEquatable<ContentHash>
{
    private readonly ulong _a, _b, _c, _d;

    private ContentHash(ulong a, ulong b, ulong c, ulong d)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
    }

    /// <summary>Hashes <paramref name="encodedBytes"/>.</summary>
    public static ContentHash Compute(ReadOnlySpan<byte> encodedBytes)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(encodedBytes, hash);
        return FromBytes(hash);
    }

    /// <summary>Reads the 32-byte binary form.</summary>
    public static ContentHash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException("A SHA-256 hash is 32 bytes.", nameof(bytes));
        }

        return new ContentHash(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    /// <summary>Writes the 32-byte binary form.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>The 32-byte binary form as a new array.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[32];
        WriteBytes(bytes);
        return bytes;
    }

    /// <summary>64 lowercase hex digits.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[32];
        WriteBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc />
    public bool Equals(ContentHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ContentHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)_a;

    /// <summary>Equality.</summary>
    public static bool operator ==(ContentHash left, ContentHash right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ContentHash left, ContentHash right) => !left.Equals(right);
}
