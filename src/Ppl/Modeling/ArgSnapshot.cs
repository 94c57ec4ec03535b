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

    /// <summary>What an argument of type <typeparamref name="T"/> is, worked out once per type (Same runs in every update and regenerate).</summary>
    private static class Kind<T>
    {
        public static readonly int Value =
            typeof(T) == typeof(Unit) ? 1 :
            typeof(T) == typeof(double) ? 2 :
            typeof(T) == typeof(float) ? 3 :
            typeof(T).IsPrimitive || typeof(T).IsEnum ? 4 :
            typeof(T) == typeof(string) ? 5 :
            typeof(T).IsSZArray && IsNumber(typeof(T).GetElementType()!) ? 6 : 0;
    }

    /// <summary>The image of one argument, or null when its type has none.</summary>
    public static object? Take<T>(T value)
    {
        switch (Kind<T>.Value)
        {
            case 1: return UnitImage;
            case 2: return BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref value));
            case 3: return BitConverter.SingleToInt32Bits(Unsafe.As<T, float>(ref value));
            case 4: return value;
            case 5: return (object?)value ?? NullImage;
            case 6:
                if (value is null) return NullImage;
                var a = (Array)(object)value;
                return new ArrayImage(a.GetType(), Bytes(a).ToArray());
            default: return null;
        }
    }

    /// <summary>True when <paramref name="value"/> has exactly the image <paramref name="image"/>.</summary>
    public static bool Same<T>(T value, object? image)
    {
        if (image is null) return false;
        switch (Kind<T>.Value)
        {
            case 1: return ReferenceEquals(image, UnitImage);
            case 2: return image is long bits && bits == BitConverter.DoubleToInt64Bits(Unsafe.As<T, double>(ref value));
            case 3: return image is int fbits && fbits == BitConverter.SingleToInt32Bits(Unsafe.As<T, float>(ref value));
            case 4: return image is T t && EqualityComparer<T>.Default.Equals(t, value);
            case 5: return value is null ? ReferenceEquals(image, NullImage) : image is string s && string.Equals(s, (string)(object)value, StringComparison.Ordinal);
            case 6:
                if (value is null) return ReferenceEquals(image, NullImage);
                var a = (Array)(object)value;
                return image is ArrayImage ai && ai.Type == a.GetType() && Bytes(a).SequenceEqual(ai.Bytes);
            default: return false;
        }
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
