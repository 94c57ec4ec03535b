using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ppl.Autodiff;

/// <summary>
/// This thread's scratch arrays for the vector families: data arrays lifted to constant <see cref="Real"/>s and boolean
/// outcomes as 0/1, so that evaluating a vector observation allocates nothing once the buffers have grown.
/// </summary>
internal static class RealVectorBuffers
{
    [ThreadStatic]
    private static Real[]? t_first;

    [ThreadStatic]
    private static Real[]? t_second;

    [ThreadStatic]
    private static double[]? t_outcomes;

    /// <summary>The values as constants, in the first buffer (<paramref name="slot"/> 0) or the second (1).</summary>
    public static ReadOnlySpan<Real> Lift(double[] values, int slot)
    {
        ref var buffer = ref slot == 0 ? ref t_first : ref t_second;
        if (buffer is null || buffer.Length < values.Length) buffer = new Real[Math.Max(values.Length, 64)];
        for (var i = 0; i < values.Length; i++) buffer[i] = values[i];
        return buffer.AsSpan(0, values.Length);
    }

    [ThreadStatic]
    private static Real[]? t_parents;

    [ThreadStatic]
    private static double[]? t_partials;

    /// <summary>
    /// Cleared scratch of <paramref name="length"/> parents and partials for one <see cref="Real.FromPartials"/> call (a
    /// vector family's log density), reused by the thread: unset parents are constants, which FromPartials skips.
    /// </summary>
    public static void Partials(int length, out Span<Real> parents, out Span<double> partials)
    {
        if (t_parents is null || t_parents.Length < length)
        {
            t_parents = new Real[Math.Max(length, 64)];
            t_partials = new double[t_parents.Length];
        }
        parents = t_parents.AsSpan(0, length);
        partials = t_partials!.AsSpan(0, length);
        parents.Clear();
        partials.Clear();
    }

    /// <summary>Booleans as 0/1.</summary>
    public static ReadOnlySpan<double> Outcomes(bool[] values)
    {
        var buffer = t_outcomes;
        if (buffer is null || buffer.Length < values.Length) t_outcomes = buffer = new double[Math.Max(values.Length, 64)];
        var i = 0;
        if (Avx.IsSupported && Sse41.IsSupported)
        {
            // Four booleans at a time: their bytes widened to ints, capped at 1 (a true is any non-zero byte), to doubles.
            // Once per gradient of a fused Bernoulli GLM, where the loop below took a tenth of the time.
            ref var bytes = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetArrayDataReference(values));
            ref var target = ref MemoryMarshal.GetArrayDataReference(buffer);
            for (; i + 4 <= values.Length; i += 4)
            {
                var word = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref bytes, i));
                var ints = Sse41.Min(Sse41.ConvertToVector128Int32(Vector128.CreateScalarUnsafe(word).AsByte()), Vector128<int>.One);
                Avx.ConvertToVector256Double(ints).StoreUnsafe(ref target, (nuint)i);
            }
        }
        for (; i < values.Length; i++) buffer[i] = values[i] ? 1.0 : 0.0;
        return buffer.AsSpan(0, values.Length);
    }

    /// <summary>The current values of <paramref name="values"/> (a new array: for messages and <c>AtValues</c>, not the hot path).</summary>
    public static double[] Values(ReadOnlySpan<Real> values)
    {
        var r = new double[values.Length];
        for (var i = 0; i < r.Length; i++) r[i] = values[i].Value;
        return r;
    }
}
