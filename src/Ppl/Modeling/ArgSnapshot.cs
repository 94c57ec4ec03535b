using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ppl.Modeling;

/// <summary>
/// Images of a generated model's arguments, so that <c>Update</c> and <c>Regenerate</c> can tell whether the
/// arguments changed since the old trace was made (sites that depend only on unchanged arguments and
/// unchanged choices keep their stored log densities). An image is taken before the body runs with the
/// arguments; it captures the values the run could read: numbers bitwise, strings, and the contents of
/// one-dimensional arrays of primitive numbers (so refilling the same array with new data counts as a change). Other
/// argument types have no image (null): the arguments then always count as changed.
/// </summary>
public static class ArgSnapshot
{
    private static readonly object NullImage = new();
    private static readonly object UnitImage = new();

    private sealed class ArrayImage(Type type, byte[] bytes)
    {
        public readonly Type Type = type;
        public readonly byte[] Bytes = bytes;
    }

    private sealed class Parts(object[] parts)
    {
        public readonly object[] Items = parts;
    }

    /// <summary>The image of one argument, or null when its type has none.</summary>
    public static object? Take<T>(T value)
    {
        if (typeof(T) == typeof(Unit)) return UnitImage;
        if (typeof(T) == typeof(double)) return BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref value));
        if (typeof(T) == typeof(float)) return BitConverter.SingleToInt32Bits(Unsafe.As<T, float>(ref value));
        if (typeof(T).IsPrimitive || typeof(T).IsEnum) return value;
        if (typeof(T) == typeof(string)) return (object?)value ?? NullImage;
        if (typeof(T).IsSZArray && IsNumber(typeof(T).GetElementType()!))
        {
            if (value is null) return NullImage;
            var a = (Array)(object)value;
            return new ArrayImage(a.GetType(), Bytes(a).ToArray());
        }
        return null;
    }

    /// <summary>True when <paramref name="value"/> has exactly the image <paramref name="image"/>.</summary>
    public static bool Same<T>(T value, object? image)
    {
        if (image is null) return false;
        if (typeof(T) == typeof(Unit)) return ReferenceEquals(image, UnitImage);
        if (typeof(T) == typeof(double)) return image is long bits && bits == BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref value));
        if (typeof(T) == typeof(float)) return image is int fbits && fbits == BitConverter.SingleToInt32Bits(Unsafe.As<T, float>(ref value));
        if (typeof(T).IsPrimitive || typeof(T).IsEnum) return image is T t && EqualityComparer<T>.Default.Equals(t, value);
        if (typeof(T) == typeof(string)) return value is null ? ReferenceEquals(image, NullImage) : image is string s && string.Equals(s, (string)(object)value, StringComparison.Ordinal);
        if (typeof(T).IsSZArray)
        {
            if (value is null) return ReferenceEquals(image, NullImage);
            var a = (Array)(object)value;
            return image is ArrayImage ai && ai.Type == a.GetType() && Bytes(a).SequenceEqual(ai.Bytes);
        }
        return false;
    }

    /// <summary>The image of several arguments (a tuple), or null when one of them has none.</summary>
    public static object? Combine(params object?[] parts)
    {
        foreach (var p in parts)
            if (p is null) return null;
        return new Parts(parts!);
    }

    /// <summary>The image of argument <paramref name="index"/> within a combined image.</summary>
    public static object? Part(object? image, int index) => image is Parts p && index < p.Items.Length ? p.Items[index] : null;

    private static bool IsNumber(Type t) => t.IsPrimitive;

    private static ReadOnlySpan<byte> Bytes(Array a) =>
        MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(a), Buffer.ByteLength(a));
}
