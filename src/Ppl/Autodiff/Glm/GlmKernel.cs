using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ppl.Autodiff;

/// <summary>
/// The design matrix of a fused GLM, given column by column (one span) or row by row (<c>double[][]</c>, as data reach
/// a [Model] method), and the one pass over it that a GLM's value and gradient need: ηᵢ = α + xᵢ·β, then
/// gᵢ = ∂ log p/∂ηᵢ from the link, then Σ gᵢ and Σ gᵢ xᵢ.
/// </summary>
/// <remarks>
/// Row by row the pass is fused: each block of four rows is read once for η and again, still in the L1 cache, for
/// Xᵀg, with four independent dot-product chains so that the floating-point latency is hidden. On 5,000 × 25 this
/// halved the time of separate η and Xᵀg passes, which were bound by the latency of one row's dot product and its
/// horizontal sum, not by memory. Column by column each pass is a vectorised axpy or dot over the rows instead.
/// </remarks>
internal readonly ref struct GlmKernel
{
    [ThreadStatic]
    private static double[]? t_eta;

    [ThreadStatic]
    private static double[]? t_partials;

    private readonly ReadOnlySpan<double> _columns;
    private readonly double[][]? _rows;
    private readonly int _n, _d;
    private readonly string _caller;

    /// <summary>Checks the shape: <paramref name="n"/> rows of <paramref name="d"/> predictors; <paramref name="caller"/> names the GLM in errors.</summary>
    public GlmKernel(ReadOnlySpan<double> columns, double[][]? rows, int n, int d, string caller)
    {
        _columns = columns;
        _rows = rows;
        _n = n;
        _d = d;
        if (rows is null)
        {
            if (columns.Length != n * d)
                throw new ArgumentException($"{caller}: x has {columns.Length} entries; {n} rows of {d} columns need {n * d}.", "xColumnMajor");
        }
        else
        {
            // Each row's length is checked by the pass as it reads the row: a separate loop over 5,000 row headers
            // cost a fifth of the gradient, one cache miss per row.
            if (rows.Length != n)
                throw new ArgumentException($"{caller}: x has {rows.Length} rows; the outcomes have {n}.", "xRows");
        }
        _caller = caller;
    }

    /// <summary>
    /// Runs the link over every row and returns this thread's partials buffer (length d + 2): [0] = Σ gᵢ, [1 + j] =
    /// Σ gᵢ xᵢⱼ, unscaled; <see cref="Record"/> turns it into the operation.
    /// </summary>
    public Span<double> Pass<TLink>(ref TLink link, Real alpha, ReadOnlySpan<Real> beta) where TLink : IGlmLink, allows ref struct
    {
        var partials = t_partials is { } tp && tp.Length >= _d + 2 ? tp : t_partials = new double[Math.Max(_d + 2, 64)];
        var b = _d <= 256 ? stackalloc double[_d] : new double[_d];
        for (var j = 0; j < _d; j++) b[j] = beta[j].Value;
        var gradient = partials.AsSpan(1, _d);
        if (_rows is not null) partials[0] = RowsPass(_rows, b, alpha.Value, ref link, gradient, _caller);
        else
        {
            var eta = t_eta is { } te && te.Length >= _n ? te.AsSpan(0, _n) : (t_eta = new double[Math.Max(_n, 64)]).AsSpan(0, _n);
            eta.Fill(alpha.Value);
            for (var j = 0; j < _d; j++) RealDensity.Axpy(b[j], _columns.Slice(j * _n, _n), eta);
            var i = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; i <= _n - Vector256<double>.Count; i += Vector256<double>.Count)
                    link.Apply4(i, Vector256.Create((ReadOnlySpan<double>)eta.Slice(i, Vector256<double>.Count))).CopyTo(eta.Slice(i, Vector256<double>.Count));
            for (; i < _n; i++) eta[i] = link.Apply(i, eta[i]);
            partials[0] = RealDensity.Sum(eta);
            for (var j = 0; j < _d; j++) gradient[j] = RealDensity.Dot(_columns.Slice(j * _n, _n), eta);
        }
        return partials.AsSpan(0, _d + 2);
    }

    /// <summary>
    /// Records the operation over α, β (and <paramref name="extra"/> when <paramref name="hasExtra"/>): the partials of
    /// the last <see cref="Pass{TLink}"/> times <paramref name="scale"/>, and <paramref name="extraPartial"/>.
    /// </summary>
    public Real Record(double value, double scale, Real alpha, ReadOnlySpan<Real> beta, Real extra, double extraPartial, bool hasExtra)
    {
        var partials = t_partials!;
        var chain = new PartialsChain();
        chain.Add(alpha, scale * partials[0]);
        for (var j = 0; j < _d; j++) chain.Add(beta[j], scale * partials[j + 1]);
        if (hasExtra) chain.Add(extra, extraPartial);
        return chain.Finish(value);
    }

    /// <summary>
    /// The pass over rows: returns Σ gᵢ and writes Σ gᵢ xᵢ into <paramref name="gradient"/>. Up to
    /// <see cref="StagedLimit"/> entries in three stages (η, the link, Xᵀg), above it fused (<see cref="RowsPassFused"/>).
    /// </summary>
    /// <remarks>
    /// Compiled fully optimised at once: a method called once per gradient with one long loop otherwise runs as
    /// on-stack-replaced tier-0 code for a long time, measured at 1.7× the optimised time on 5,000 × 25.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RowsPass<TLink>(double[][] rows, scoped ReadOnlySpan<double> b, double alpha, ref TLink link, scoped Span<double> gradient, string caller)
        where TLink : IGlmLink, allows ref struct
    {
        if ((long)rows.Length * b.Length > StagedLimit) return RowsPassFused(rows, b, alpha, ref link, gradient, caller);
        const int W = 4; // doubles per Vector256
        var n = rows.Length;
        var d = b.Length;
        var full = d / W;
        gradient.Clear();
        ref var b0 = ref MemoryMarshal.GetReference(b);
        // The accumulators of Xᵀg in whole vectors on the stack: the caller's span starts at an odd double, and
        // vector stores into it would straddle cache lines.
        Span<Vector256<double>> accumulators = full <= 64 ? stackalloc Vector256<double>[full] : new Vector256<double>[full];
        accumulators.Clear();
        ref var p0 = ref Unsafe.As<Vector256<double>, double>(ref MemoryMarshal.GetReference(accumulators));
        var sumG = Vector256<double>.Zero;
        var i = 0;
        // The last d mod 4 columns (d ≥ 4): one vector load of the row's last four entries, which overlaps the last
        // whole vector. For η the overlapping lanes meet zero coefficients; for Xᵀg their lanes of the tail accumulator
        // are never read. No load runs past a row's end.
        var rem = d - full * W;
        var tail = rem != 0 && d >= W;
        var tailOffset = (nuint)(tail ? d - W : 0);
        var bTail = Vector256<double>.Zero;
        if (tail)
            bTail = Vector256.ConditionalSelect(
                Vector256.GreaterThanOrEqual(Vector256.Create(0.0, 1.0, 2.0, 3.0), Vector256.Create((double)(W - rem))),
                Vector256.LoadUnsafe(ref b0, tailOffset), Vector256<double>.Zero);
        var tailSums = Vector256<double>.Zero;
        if (Avx.IsSupported && Fma.IsSupported)
        {
            var alphas = Vector256.Create(alpha);
            var blocks = n / W * W;
            // η for every block, then the link over all of η, then Xᵀg. Each stage's blocks are independent (a fused
            // loop chains η → link → Xᵀg within a block, a latency the out-of-order core cannot hide across blocks when
            // rows are short), and the rows are read twice from L2.
            var etas = t_eta is { } te && te.Length >= blocks ? te : t_eta = new double[Math.Max(blocks, 64)];
            ref var e0 = ref MemoryMarshal.GetArrayDataReference(etas);
            for (i = 0; i < blocks; i += W)
                Eta4(rows, i, d, caller, ref b0, full, tail, tailOffset, bTail, alphas).StoreUnsafe(ref e0, (nuint)i);
            for (i = 0; i < blocks; i += W)
            {
                var g = link.Apply4(i, Vector256.LoadUnsafe(ref e0, (nuint)i));
                sumG += g;
                g.StoreUnsafe(ref e0, (nuint)i);
            }
            for (i = 0; i < blocks; i += W)
                AccumulateXtg4(rows, i, d, caller, full, tail, tailOffset, ref p0, ref tailSums, gradient, Vector256.LoadUnsafe(ref e0, (nuint)i));
            i = blocks;
        }
        MemoryMarshal.Cast<Vector256<double>, double>(accumulators).CopyTo(gradient);
        if (tail)
            for (var l = W - rem; l < W; l++) gradient[d - W + l] = tailSums.GetElement(l);
        // The remaining rows (all of them without AVX and FMA), one at a time.
        var total = Vector256.Sum(sumG);
        for (; i < n; i++)
        {
            var row = Row(rows, i, d, caller);
            var eta = alpha;
            for (var j = 0; j < d; j++) eta += row[j] * b[j];
            var g = link.Apply(i, eta);
            total += g;
            for (var j = 0; j < d; j++) gradient[j] += g * row[j];
        }
        return total;
    }

    /// <summary>
    /// The fused pass over rows, for designs above <see cref="StagedLimit"/>: each block of four rows is read once for η
    /// and again, still in L1, for Xᵀg. Returns Σ gᵢ and writes Σ gᵢ xᵢ into <paramref name="gradient"/>.
    /// </summary>
    /// <remarks>
    /// Compiled fully optimised at once: a method called once per gradient with one long loop otherwise runs as
    /// on-stack-replaced tier-0 code for a long time, measured at 1.7× the optimised time on 5,000 × 25.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double RowsPassFused<TLink>(double[][] rows, scoped ReadOnlySpan<double> b, double alpha, ref TLink link, scoped Span<double> gradient, string caller)
        where TLink : IGlmLink, allows ref struct
    {
        const int W = 4; // doubles per Vector256
        var n = rows.Length;
        var d = b.Length;
        var full = d / W;
        gradient.Clear();
        ref var b0 = ref MemoryMarshal.GetReference(b);
        // The accumulators of Xᵀg in whole vectors on the stack: the caller's span starts at an odd double, and
        // vector stores into it would straddle cache lines.
        Span<Vector256<double>> accumulators = full <= 64 ? stackalloc Vector256<double>[full] : new Vector256<double>[full];
        accumulators.Clear();
        ref var p0 = ref Unsafe.As<Vector256<double>, double>(ref MemoryMarshal.GetReference(accumulators));
        var sumG = Vector256<double>.Zero;
        var i = 0;
        if (Avx.IsSupported && Fma.IsSupported)
        {
            var alphas = Vector256.Create(alpha);
            for (; i + W <= n; i += W)
            {
                ref var r0 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i, d, caller));
                ref var r1 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i + 1, d, caller));
                ref var r2 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i + 2, d, caller));
                ref var r3 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i + 3, d, caller));
                // η for the four rows: four independent chains of fused multiply-adds.
                Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
                for (var k = 0; k < full; k++)
                {
                    var o = (nuint)(k * W);
                    var bk = Vector256.LoadUnsafe(ref b0, o);
                    a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r0, o), bk, a0);
                    a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r1, o), bk, a1);
                    a2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r2, o), bk, a2);
                    a3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r3, o), bk, a3);
                }
                // The four horizontal sums at once: [Σa0, Σa1, Σa2, Σa3].
                var h01 = Avx.HorizontalAdd(a0, a1);
                var h23 = Avx.HorizontalAdd(a2, a3);
                var eta = Avx.Permute2x128(h01, h23, 0x20) + Avx.Permute2x128(h01, h23, 0x31) + alphas;
                for (var j = full * W; j < d; j++)
                    eta = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref r0, j), Unsafe.Add(ref r1, j), Unsafe.Add(ref r2, j), Unsafe.Add(ref r3, j)), Vector256.Create(Unsafe.Add(ref b0, j)), eta);

                var g = link.Apply4(i, eta);
                sumG += g;

                // Xᵀg for the four rows, which are still in the L1 cache.
                var g0 = Vector256.Create(g.GetElement(0));
                var g1 = Vector256.Create(g.GetElement(1));
                var g2 = Vector256.Create(g.GetElement(2));
                var g3 = Vector256.Create(g.GetElement(3));
                for (var k = 0; k < full; k++)
                {
                    var o = (nuint)(k * W);
                    var s = Fma.MultiplyAdd(g0, Vector256.LoadUnsafe(ref r0, o), Vector256.LoadUnsafe(ref p0, o));
                    s = Fma.MultiplyAdd(g1, Vector256.LoadUnsafe(ref r1, o), s);
                    s = Fma.MultiplyAdd(g2, Vector256.LoadUnsafe(ref r2, o), s);
                    Fma.MultiplyAdd(g3, Vector256.LoadUnsafe(ref r3, o), s).StoreUnsafe(ref p0, o);
                }
                for (var j = full * W; j < d; j++)
                    gradient[j] += g.GetElement(0) * Unsafe.Add(ref r0, j) + g.GetElement(1) * Unsafe.Add(ref r1, j)
                        + g.GetElement(2) * Unsafe.Add(ref r2, j) + g.GetElement(3) * Unsafe.Add(ref r3, j);
            }
        }
        MemoryMarshal.Cast<Vector256<double>, double>(accumulators).CopyTo(gradient);
        // The remaining rows (all of them without AVX and FMA), one at a time.
        var total = Vector256.Sum(sumG);
        for (; i < n; i++)
        {
            var row = Row(rows, i, d, caller);
            var eta = alpha;
            for (var j = 0; j < d; j++) eta += row[j] * b[j];
            var g = link.Apply(i, eta);
            total += g;
            for (var j = 0; j < d; j++) gradient[j] += g * row[j];
        }
        return total;
    }

    // Up to this many entries (256 KB of rows, about L2) the row pass runs in stages (RowsPass); above it, fused, so that
    // each row is read from memory once.
    private const long StagedLimit = 32 * 1024;

    /// <summary>η of rows i … i + 3: four independent chains of fused multiply-adds, then the four horizontal sums at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Eta4(double[][] rows, int i, int d, string caller, ref double b0, int full, bool tail, nuint tailOffset,
        Vector256<double> bTail, Vector256<double> alphas)
    {
        const int W = 4;
        ref var r0 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i, d, caller));
        ref var r1 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i + 1, d, caller));
        ref var r2 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i + 2, d, caller));
        ref var r3 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i + 3, d, caller));
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var k = 0; k < full; k++)
        {
            var o = (nuint)(k * W);
            var bk = Vector256.LoadUnsafe(ref b0, o);
            a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r0, o), bk, a0);
            a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r1, o), bk, a1);
            a2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r2, o), bk, a2);
            a3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r3, o), bk, a3);
        }
        if (tail)
        {
            a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r0, tailOffset), bTail, a0);
            a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r1, tailOffset), bTail, a1);
            a2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r2, tailOffset), bTail, a2);
            a3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref r3, tailOffset), bTail, a3);
        }
        var h01 = Avx.HorizontalAdd(a0, a1);
        var h23 = Avx.HorizontalAdd(a2, a3);
        var eta = Avx.Permute2x128(h01, h23, 0x20) + Avx.Permute2x128(h01, h23, 0x31) + alphas;
        if (!tail)
            for (var j = full * W; j < d; j++)
                eta = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref r0, j), Unsafe.Add(ref r1, j), Unsafe.Add(ref r2, j), Unsafe.Add(ref r3, j)), Vector256.Create(Unsafe.Add(ref b0, j)), eta);
        return eta;
    }

    /// <summary>Adds Σ gₖ xₖ over rows i … i + 3 into the accumulators (and the tail's, or the gradient's last columns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateXtg4(double[][] rows, int i, int d, string caller, int full, bool tail, nuint tailOffset, ref double p0,
        ref Vector256<double> tailSums, scoped Span<double> gradient, Vector256<double> g)
    {
        const int W = 4;
        ref var r0 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i, d, caller));
        ref var r1 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i + 1, d, caller));
        ref var r2 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i + 2, d, caller));
        ref var r3 = ref MemoryMarshal.GetArrayDataReference(Row(rows, i + 3, d, caller));
        var g0 = Vector256.Create(g.GetElement(0));
        var g1 = Vector256.Create(g.GetElement(1));
        var g2 = Vector256.Create(g.GetElement(2));
        var g3 = Vector256.Create(g.GetElement(3));
        // Two independent products per pair of rows, then one add into the accumulator: the accumulator's dependency from
        // one block of rows to the next is a single add, not four chained multiply-adds.
        for (var k = 0; k < full; k++)
        {
            var o = (nuint)(k * W);
            var s01 = Fma.MultiplyAdd(g1, Vector256.LoadUnsafe(ref r1, o), g0 * Vector256.LoadUnsafe(ref r0, o));
            var s23 = Fma.MultiplyAdd(g3, Vector256.LoadUnsafe(ref r3, o), g2 * Vector256.LoadUnsafe(ref r2, o));
            (Vector256.LoadUnsafe(ref p0, o) + (s01 + s23)).StoreUnsafe(ref p0, o);
        }
        if (tail)
        {
            var s01 = Fma.MultiplyAdd(g1, Vector256.LoadUnsafe(ref r1, tailOffset), g0 * Vector256.LoadUnsafe(ref r0, tailOffset));
            var s23 = Fma.MultiplyAdd(g3, Vector256.LoadUnsafe(ref r3, tailOffset), g2 * Vector256.LoadUnsafe(ref r2, tailOffset));
            tailSums += s01 + s23;
        }
        else
            for (var j = full * W; j < d; j++)
                gradient[j] += g.GetElement(0) * Unsafe.Add(ref r0, j) + g.GetElement(1) * Unsafe.Add(ref r1, j)
                    + g.GetElement(2) * Unsafe.Add(ref r2, j) + g.GetElement(3) * Unsafe.Add(ref r3, j);
    }

    /// <summary>Row <paramref name="i"/>, checked to hold <paramref name="d"/> predictors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double[] Row(double[][] rows, int i, int d, string caller)
    {
        var row = rows[i];
        if (row is null || row.Length != d) ThrowRow(i, row, d, caller);
        return row!;
    }

    private static void ThrowRow(int i, double[]? row, int d, string caller) =>
        throw new ArgumentException($"{caller}: row {i} of x has {row?.Length ?? 0} entries; {d} coefficients need {d}.", "xRows");
}
