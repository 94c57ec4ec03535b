using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ppl.Autodiff;

/// <summary>
/// Dot products of constant rows with the same weights on the tape, xₖ·w for k = 1 … m, recorded as one operation
/// with m outputs: w̄ += Σₖ x̄ₖ xₖ, one vectorised pass over the rows and one scatter into the weights' adjoints.
/// </summary>
/// <remarks>
/// Why: a model computes f(xᵢ) = φ(xᵢ)·w row by row (a basis expansion, a regression's linear predictor). As
/// separate operations each row costs ⌈n/2⌉ tape nodes for n weights and the sweep visits every one; the approximate
/// GP's 200 rows of 63 made the gradient 2.4× Stan's. Consecutive calls with the same weights, with nothing recorded
/// between them, extend the last operation by one output instead (<see cref="Tape.ExtendLastOperation"/>), so the
/// row-by-row model costs what a matrix–vector product costs. The rows are copied, since a caller may reuse its row
/// buffer; the objects are reused once their tape has been reset (<see cref="Take"/>), so a gradient allocates nothing in
/// the steady state.
/// </remarks>
internal sealed class DotRowsOperation : TapeOperation
{
    /// <summary>Below this many weights a dot product is cheaper as ordinary nodes.</summary>
    public const int MinWidth = 8;

    [ThreadStatic]
    private static DotRowsOperation? t_last;

    private readonly Tape _tape;
    private int _generation, _rows, _width;
    private Real[] _weights = [];
    private double[] _values = [];
    private double[] _data = [];
    private double[] _sum = [];

    private DotRowsOperation(Tape tape) => _tape = tape;

    /// <summary>
    /// x·w, recorded as an output of this thread's last dot operation when it can, of a new one otherwise. The weights'
    /// values are kept by the operation (a node's value never changes), so each further row is one vectorised dot.
    /// </summary>
    public static Real Record(ReadOnlySpan<Real> w, ReadOnlySpan<double> x)
    {
        var tape = Tape.Current;
        var op = t_last;
        if (op is not null && ReferenceEquals(op._tape, tape) && op._generation == tape.Generation && op.SameWeights(w))
        {
            var index = tape.ExtendLastOperation(op, op._rows);
            if (index != 0)
            {
                op.Append(x);
                return new Real(RealDensity.Dot(op._values.AsSpan(0, op._width), x), index);
            }
        }
        // Constant weights (a pass that computes only the value) record nothing; the dot is summed in the same order as
        // when they are on the tape, so that a value-only pass and a gradient pass give the same log density.
        var constant = true;
        foreach (var wj in w) constant &= wj.Index == 0;
        if (constant)
        {
            var values = w.Length <= 256 ? stackalloc double[w.Length] : new double[w.Length];
            for (var j = 0; j < w.Length; j++) values[j] = w[j].Value;
            return RealDensity.Dot(values, x);
        }
        op = Take(tape);
        op.Start(tape.Generation, w);
        op.Append(x);
        t_last = op;
        var value = RealDensity.Dot(op._values.AsSpan(0, op._width), x);
        return new Real(value, tape.PushOperation(op, 1));
    }

    /// <summary>
    /// An operation object for <paramref name="tape"/>'s current generation: the next of those it recorded in earlier
    /// generations (the tape no longer holds them once reset), or a new one. So a gradient allocates none in the steady
    /// state, however many operations it records.
    /// </summary>
    private static DotRowsOperation Take(Tape tape)
    {
        if (tape.DotRowsGeneration != tape.Generation)
        {
            tape.DotRowsGeneration = tape.Generation;
            tape.DotRowsUsed = 0;
        }
        var pool = tape.DotRows;
        if (tape.DotRowsUsed == pool.Count) pool.Add(new DotRowsOperation(tape));
        return pool[tape.DotRowsUsed++];
    }

    /// <summary>
    /// Whether <paramref name="w"/> is the operation's weights: the same nodes, and the same values (constants all share
    /// index 0, whatever their value). Compared as the structs' bits, four 64-bit words at a time, with each index's
    /// padding word masked off; a 0.0 against a −0.0 reads as different, which only starts a new operation.
    /// </summary>
    private bool SameWeights(ReadOnlySpan<Real> w)
    {
        if (w.Length != _width) return false;
        var mine = _weights.AsSpan(0, _width);
        if (Unsafe.SizeOf<Real>() != 2 * sizeof(ulong) || !Vector256.IsHardwareAccelerated)
        {
            for (var j = 0; j < w.Length; j++)
                if (w[j].Index != mine[j].Index || w[j].Value != mine[j].Value) return false;
            return true;
        }
        var a = MemoryMarshal.Cast<Real, ulong>(w);
        var b = MemoryMarshal.Cast<Real, ulong>(mine);
        // Word 2j is Value's bits, word 2j + 1 holds Index in its low half (the struct is laid out sequentially).
        var mask = Vector256.Create(ulong.MaxValue, 0xFFFF_FFFFUL, ulong.MaxValue, 0xFFFF_FFFFUL);
        var k = 0;
        for (; k + 4 <= a.Length; k += 4)
            if (!Vector256.EqualsAll((Vector256.Create(a.Slice(k, 4)) ^ Vector256.Create(b.Slice(k, 4))) & mask, Vector256<ulong>.Zero)) return false;
        for (; k < a.Length; k += 2)
            if (a[k] != b[k] || (uint)a[k + 1] != (uint)b[k + 1]) return false;
        return true;
    }

    private void Start(int generation, ReadOnlySpan<Real> w)
    {
        _generation = generation;
        _rows = 0;
        _width = w.Length;
        if (_weights.Length < _width)
        {
            _weights = new Real[_width];
            _values = new double[_width];
        }
        w.CopyTo(_weights);
        for (var j = 0; j < _width; j++) _values[j] = w[j].Value;
    }

    private void Append(ReadOnlySpan<double> x)
    {
        var at = _rows * _width;
        if (_data.Length < at + _width) Array.Resize(ref _data, Math.Max(2 * _data.Length, at + _width));
        x.CopyTo(_data.AsSpan(at, _width));
        _rows++;
    }

    internal override void Backward(double[] adjoints, int first)
    {
        if (_sum.Length < _width) _sum = new double[_width];
        var sum = _sum.AsSpan(0, _width);
        sum.Clear();
        // w̄ = Xᵀ x̄ over the rows, four rows per pass over the sum so that it is loaded and stored a quarter as often.
        var data = _data.AsSpan(0, _rows * _width);
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; k + 4 <= _rows; k += 4)
                AddFourRows(adjoints.AsSpan(first + k, 4), data.Slice(k * _width, 4 * _width), sum);
        for (; k < _rows; k++)
        {
            var a = adjoints[first + k];
            if (a != 0) RealDensity.Axpy(a, data.Slice(k * _width, _width), sum);
        }
        for (var j = 0; j < _width; j++) adjoints[_weights[j].Index] += sum[j];
    }

    /// <summary>sum += Σ_{r &lt; 4} a[r] · rows[r], the four rows consecutive in <paramref name="rows"/>.</summary>
    private static void AddFourRows(ReadOnlySpan<double> a, ReadOnlySpan<double> rows, Span<double> sum)
    {
        var width = sum.Length;
        var r0 = rows[..width];
        var r1 = rows.Slice(width, width);
        var r2 = rows.Slice(2 * width, width);
        var r3 = rows.Slice(3 * width, width);
        var (a0, a1, a2, a3) = (Vector256.Create(a[0]), Vector256.Create(a[1]), Vector256.Create(a[2]), Vector256.Create(a[3]));
        const int W = 4;
        var j = 0;
        for (; j + W <= width; j += W)
        {
            var t = Vector256.Create((ReadOnlySpan<double>)sum.Slice(j, W)) + a0 * Vector256.Create(r0.Slice(j, W)) + a1 * Vector256.Create(r1.Slice(j, W))
                + a2 * Vector256.Create(r2.Slice(j, W)) + a3 * Vector256.Create(r3.Slice(j, W));
            t.CopyTo(sum.Slice(j, W));
        }
        for (; j < width; j++) sum[j] += a[0] * r0[j] + a[1] * r1[j] + a[2] * r2[j] + a[3] * r3[j];
    }
}
