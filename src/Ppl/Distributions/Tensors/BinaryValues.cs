using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// Decides whether every element of a tensor is exactly 0 or 1: the support check of a Bernoulli
/// observation, run on every score of it (e.g. each step of a VAE's training on a binarised batch).
/// </summary>
internal static class BinaryValues
{
    /// <summary>
    /// True when every element is 0 or 1 (−0 counts as 0; NaN is neither). A contiguous CPU tensor of
    /// float32 or float64 is read in place, SIMD-wide, in one pass that allocates nothing and stops at the
    /// first other value; anything else (a device tensor, a view, another dtype) uses torch operations.
    /// </summary>
    public static bool All(Tensor value)
    {
        if (value.device_type == DeviceType.CPU && value.is_contiguous())
        {
            switch (value.dtype)
            {
                case ScalarType.Float32:
                    return AllInPlace<float>(value, sizeof(float));
                case ScalarType.Float64:
                    return AllInPlace<double>(value, sizeof(double));
            }
        }
        // fl(x·x) = x holds exactly at 0 and 1 and nowhere else (NaN ≠ NaN): one temporary, one comparison.
        using var ng = no_grad();
        using var square = value.Squared();
        return value.Equals(square);
    }

    private static unsafe bool AllInPlace<T>(Tensor value, int elementSize) where T : unmanaged, INumberBase<T>
    {
        var count = value.numel();
        if (count == 0) return true;
        using var storage = value.storage<T>();
        var start = (T*)((byte*)storage.data_ptr() + value.storage_offset() * elementSize);
        try
        {
            // Spans are int-indexed; a tensor beyond 2³¹ elements is read in chunks.
            for (long done = 0; done < count;)
            {
                var n = (int)Math.Min(count - done, int.MaxValue / 2);
                if (!AllBinary(new ReadOnlySpan<T>(start + done, n))) return false;
                done += n;
            }
            return true;
        }
        finally
        {
            GC.KeepAlive(value); // the tensor owns the memory read above
        }
    }

    /// <summary>Every element is 0 or 1, compared exactly (the values are a Bernoulli observation, not a computation).</summary>
    internal static bool AllBinary<T>(ReadOnlySpan<T> xs) where T : unmanaged, INumberBase<T>
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && xs.Length >= Vector<T>.Count)
        {
            var zero = Vector<T>.Zero;
            var one = Vector<T>.One;
            var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<T, Vector<T>>(xs);
            // Blocks of vectors between early exits: the common (valid) case runs without a branch per vector.
            const int block = 64;
            for (var b = 0; b < vectors.Length; b += block)
            {
                var ok = Vector<T>.AllBitsSet;
                var end = Math.Min(vectors.Length, b + block);
                for (var k = b; k < end; k++)
                {
                    var v = vectors[k];
                    ok &= Vector.Equals(v, zero) | Vector.Equals(v, one);
                }
                // Compared as bytes: an all-ones float lane is a NaN, which no float comparison finds equal.
                if (Vector.AsVectorByte(ok) != Vector<byte>.AllBitsSet) return false;
            }
            i = vectors.Length * Vector<T>.Count;
        }
        for (; i < xs.Length; i++)
            if (xs[i] != T.Zero && xs[i] != T.One) return false;
        return true;
    }
}
