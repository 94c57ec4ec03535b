using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// Row-by-row dot products with shared weights, which the tape records as one operation (DotRowsOperation): the value
/// and gradient must equal the same products taped term by term, whatever happens between the calls.
/// </summary>
public class DotRowsOperationTests
{
    private const int Width = 11, Rows = 9;

    private static double[][] Basis()
    {
        var rng = new System.Random(5);
        return Enumerable.Range(0, Rows).Select(_ => Enumerable.Range(0, Width).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
    }

    /// <summary>
    /// f = Σᵢ cᵢ sin(xᵢ·w) over the rows, with the awkward cases in one program: a row buffer reused (and overwritten
    /// after each call), a node recorded between two products, a weight replaced half-way, a constant weight, then a different constant.
    /// </summary>
    private static Real Program(Real[] p, Func<ReadOnlySpan<Real>, ReadOnlySpan<double>, Real> dot)
    {
        var basis = Basis();
        var w = p[..Width];
        w[3] = 0.25; // a constant among the weights
        var buffer = new double[Width];
        Real total = 0;
        var f = new Real[Rows];
        // The products first, consecutively, as a model computes a basis expansion row by row: these extend one operation.
        for (var i = 0; i < Rows; i++)
        {
            basis[i].CopyTo(buffer);
            f[i] = dot(w, buffer);
            Array.Fill(buffer, double.NaN); // the caller reuses its buffer: the recorded row must be a copy
            if (i == 4) total += RealMath.Sin(p[Width]); // a node between two products
            if (i == 6) w[0] = p[Width] * 2; // different weights from here on
            if (i == 7) w[3] = 0.5; // a different constant: same index (0), different value
        }
        for (var i = 0; i < Rows; i++) total += (i + 1) * RealMath.Sin(f[i]);
        return total;
    }

    private static Real TermByTerm(ReadOnlySpan<Real> w, ReadOnlySpan<double> x)
    {
        Real s = 0;
        for (var j = 0; j < w.Length; j++) s += w[j] * x[j];
        return s;
    }

    [Fact]
    public void MatchesTheProductsTapedTermByTerm()
    {
        var rng = new System.Random(9);
        var p = Enumerable.Range(0, Width + 1).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var tape = Tape.Current;
        for (var sweep = 0; sweep < 3; sweep++) // the operation's object is reused after a reset
        {
            tape.Reset();
            var a = p.Select(tape.Variable).ToArray();
            var fused = Program(a, RealMath.Dot);
            tape.Backward(fused);
            var g = a.Select(tape.Adjoint).ToArray();
            tape.Reset();
            var b = p.Select(tape.Variable).ToArray();
            var plain = Program(b, TermByTerm);
            tape.Backward(plain);
            Close(plain.Value, fused.Value, 1e-13, "value");
            for (var k = 0; k < p.Length; k++) Close(tape.Adjoint(b[k]), g[k], 1e-12, $"∂/∂p[{k}] (sweep {sweep})");
        }
        RealLinearAlgebraTests.GradientMatches(q => Program(q, RealMath.Dot), p, 1e-8, "row-by-row dot products");
    }

    [Fact]
    public void ABackwardSweepFromOneRowSeesOnlyThatRow()
    {
        var basis = Basis();
        var tape = Tape.Current;
        tape.Reset();
        var w = Enumerable.Range(0, Width).Select(j => tape.Variable(0.1 * j)).ToArray();
        var outputs = basis.Select(row => RealMath.Dot(row, w)).ToArray();
        tape.Backward(outputs[2]);
        for (var j = 0; j < Width; j++) Assert.Equal(basis[2][j], tape.Adjoint(w[j]));
        tape.Backward(outputs[Rows - 1]);
        for (var j = 0; j < Width; j++) Assert.Equal(basis[Rows - 1][j], tape.Adjoint(w[j]));
    }

    [Fact]
    public void RowsInterleavedWithOtherNodesReuseTheirOperationsAfterAReset()
    {
        // A node between every two rows (a row's observation): one operation per row, each reused after the reset, so the
        // steady-state gradient allocates nothing and every sweep still matches the products taped term by term.
        var basis = Basis();
        var rng = new System.Random(4);
        var p = Enumerable.Range(0, Width).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var tape = Tape.Current;
        Real Interleaved(Real[] w, Func<ReadOnlySpan<Real>, ReadOnlySpan<double>, Real> dot)
        {
            Real total = 0;
            foreach (var row in basis) total += RealMath.Sin(dot(w, row));
            return total;
        }
        double[] Gradient(Func<ReadOnlySpan<Real>, ReadOnlySpan<double>, Real> dot, out double value)
        {
            tape.Reset();
            var w = p.Select(tape.Variable).ToArray();
            var f = Interleaved(w, dot);
            tape.Backward(f);
            value = f.Value;
            return w.Select(tape.Adjoint).ToArray();
        }
        var expected = Gradient(TermByTerm, out var expectedValue);
        for (var sweep = 0; sweep < 3; sweep++)
        {
            tape.Reset();
            var w = p.Select(tape.Variable).ToArray();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var f = Interleaved(w, RealMath.Dot);
            tape.Backward(f);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Close(expectedValue, f.Value, 1e-13, "value");
            for (var k = 0; k < Width; k++) Close(expected[k], tape.Adjoint(w[k]), 1e-12, $"∂/∂w[{k}] (sweep {sweep})");
            // The first sweep makes the operations; later ones reuse them.
            if (sweep > 0) Assert.Equal(0, allocated);
        }
    }
}
