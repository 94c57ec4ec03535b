using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Autodiff;
using Xunit;
using MN = MathNet.Numerics.Distributions;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// The fused GLMs and the vectorised normal in <see cref="RealDensity"/>: values against MathNet's densities summed row
/// by row, gradients against the same likelihood written row by row over <see cref="Real"/> (one taped term per row)
/// and against five-point finite differences, in both design layouts.
/// </summary>
public class RealGlmTests
{
    private sealed record Data(int N, int D, double[] Columns, double[][] Rows);

    private static Data Design(int n, int d, int seed)
    {
        var rng = new System.Random(seed);
        var rows = new double[n][];
        var cols = new double[n * d];
        for (var i = 0; i < n; i++)
        {
            rows[i] = new double[d];
            for (var j = 0; j < d; j++) rows[i][j] = cols[j * n + i] = rng.NextDouble() * 2 - 1;
        }
        return new Data(n, d, cols, rows);
    }

    private static double Eta(Data x, int i, double alpha, ReadOnlySpan<double> beta)
    {
        var s = alpha;
        for (var j = 0; j < x.D; j++) s += x.Rows[i][j] * beta[j];
        return s;
    }

    private static Real EtaReal(Data x, int i, Real alpha, ReadOnlySpan<Real> beta)
    {
        var s = alpha;
        for (var j = 0; j < x.D; j++) s += x.Rows[i][j] * beta[j];
        return s;
    }

    /// <summary>The fused function and the row-by-row Real reference agree in value and in every partial.</summary>
    private static void SameAsRowByRow(Func<Real[], Real> fused, Func<Real[], Real> rowByRow, double[] p, string label)
    {
        var tape = Tape.Current;
        tape.Reset();
        var v1 = p.Select(tape.Variable).ToArray();
        var f = fused(v1);
        var nodes = tape.Count;
        tape.Backward(f);
        var g = v1.Select(tape.Adjoint).ToArray();
        tape.Reset();
        var v2 = p.Select(tape.Variable).ToArray();
        var r = rowByRow(v2);
        tape.Backward(r);
        Close(r.Value, f.Value, 1e-12, $"{label} value");
        for (var i = 0; i < p.Length; i++) Close(tape.Adjoint(v2[i]), g[i], 1e-10, $"{label} ∂[{i}]");
        // One operation: the node count does not grow with the rows (⌈(k − 1)/2⌉ chain nodes for k parents).
        Assert.True(nodes - 1 - p.Length <= (p.Length + 1) / 2 + 1, $"{label}: {nodes - 1 - p.Length} nodes for {p.Length} parameters");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 3, 2)]
    [InlineData(50, 5, 3)]
    [InlineData(9, 8, 4)] // whole vectors of four columns, no tail (the row-major kernels' vector path)
    [InlineData(40, 27, 5)] // several vectors and a tail
    public void NormalIdGlmMatchesMathNetRowByRowRealAndFiniteDifferences(int n, int d, int seed)
    {
        var x = Design(n, d, seed);
        var rng = new System.Random(seed + 1);
        var beta = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        const double alpha = 0.3, sigma = 0.8;
        var y = Enumerable.Range(0, n).Select(i => Eta(x, i, alpha, beta) + rng.NextDouble() - 0.5).ToArray();
        double expected = 0;
        for (var i = 0; i < n; i++) expected += MN.Normal.PDFLn(Eta(x, i, alpha, beta), sigma, y[i]);
        var p = new[] { alpha }.Concat(beta).Append(sigma).ToArray();
        Real ByColumns(Real[] q) => RealDensity.NormalIdGlm(y, x.Columns, q[0], q.AsSpan(1, d), q[d + 1]);
        Real ByRows(Real[] q) => RealDensity.NormalIdGlm(y, x.Rows, q[0], q.AsSpan(1, d), q[d + 1]);
        Real RowByRow(Real[] q)
        {
            Real s = 0;
            for (var i = 0; i < n; i++) s += RealDensity.Normal(y[i], EtaReal(x, i, q[0], q.AsSpan(1, d)), q[d + 1]);
            return s;
        }
        Close(expected, ByColumns(p.Select(v => (Real)v).ToArray()).Value, 1e-12, "normal GLM value (columns)");
        Close(expected, ByRows(p.Select(v => (Real)v).ToArray()).Value, 1e-12, "normal GLM value (rows)");
        SameAsRowByRow(ByColumns, RowByRow, p, "normal GLM columns");
        SameAsRowByRow(ByRows, RowByRow, p, "normal GLM rows");
        RealLinearAlgebraTests.GradientMatches(ByColumns, p, 1e-8, "normal GLM");
        Assert.True(double.IsNaN(RealDensity.NormalIdGlm(y, x.Columns, 0, beta.Select(v => (Real)v).ToArray(), 0.0).Value));
        Assert.Throws<ArgumentException>(() => RealDensity.NormalIdGlm(y, x.Columns.AsSpan(1), 0, beta.Select(v => (Real)v).ToArray(), 1.0));
    }

    [Theory]
    [InlineData(2)] // inside a block of four rows
    [InlineData(8)] // among the rows after the last whole block
    public void ARaggedRowIsRefusedByItsIndex(int bad)
    {
        var x = Design(10, 5, 12);
        var rows = x.Rows.Select(r => r.ToArray()).ToArray();
        rows[bad] = rows[bad][..4];
        var beta = new Real[] { 0.1, 0.2, 0.3, 0.4, 0.5 };
        var y = new double[10];
        var e = Assert.Throws<ArgumentException>(() => RealDensity.NormalIdGlm(y, rows, 0.0, beta, 1.0));
        Assert.Contains($"row {bad} of x has 4 entries", e.Message);
        rows[bad] = null!;
        e = Assert.Throws<ArgumentException>(() => RealDensity.BernoulliLogitGlm(y, rows, 0.0, beta));
        Assert.Contains($"row {bad} of x has 0 entries", e.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void ARaggedRowMakesEachGlmFamilysLogDensityNaN_AndRecordsNothing(int bad)
    {
        var rows = Design(10, 5, 13).Rows.Select(r => r.ToArray()).ToArray();
        rows[bad] = rows[bad][..4];
        var beta = new Real[] { 0.1, 0.2, 0.3, 0.4, 0.5 };
        var tape = Tape.Current;
        tape.Reset();
        var alpha = tape.Variable(0.3);
        var count = tape.Count;
        Assert.True(double.IsNaN(RealDist.BernoulliLogitGlm(rows, alpha, beta).LogDensity(new bool[10]).Value));
        Assert.True(double.IsNaN(RealDist.PoissonLogGlm(rows, alpha, beta).LogDensity(new int[10]).Value));
        Assert.True(double.IsNaN(RealDist.NormalIdGlm(rows, alpha, beta, 1.0).LogDensity(new double[10]).Value));
        Assert.True(double.IsNaN(RealDist.NegBinomial2LogGlm(rows, alpha, beta, 2.0).LogDensity(new int[10]).Value));
        Assert.Equal(count, tape.Count);
        // The same design unbroken has a finite log density: the NaN is the ragged row's.
        rows[bad] = [0.1, 0.2, 0.3, 0.4, 0.5];
        Assert.True(double.IsFinite(RealDist.BernoulliLogitGlm(rows, alpha, beta).LogDensity(new bool[10]).Value));
    }

    [Theory]
    [InlineData(1, 1, 4)]
    [InlineData(9, 2, 5)]
    [InlineData(40, 4, 6)]
    [InlineData(30, 13, 7)]
    public void PoissonLogGlmMatchesMathNetRowByRowRealAndFiniteDifferences(int n, int d, int seed)
    {
        var x = Design(n, d, seed);
        var rng = new System.Random(seed + 1);
        var beta = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        const double alpha = 1.2;
        var counts = Enumerable.Range(0, n).Select(i => rng.Next(0, 12) + (i == 0 ? 2000 : 0)).ToArray();
        double expected = 0;
        for (var i = 0; i < n; i++) expected += MN.Poisson.PMFLn(Math.Exp(Eta(x, i, alpha, beta)), counts[i]);
        var p = new[] { alpha }.Concat(beta).ToArray();
        Real ByColumns(Real[] q) => RealDensity.PoissonLogGlm(counts, x.Columns, q[0], q.AsSpan(1, d));
        Real ByRows(Real[] q) => RealDensity.PoissonLogGlm(counts, x.Rows, q[0], q.AsSpan(1, d));
        Real RowByRow(Real[] q)
        {
            Real s = 0;
            for (var i = 0; i < n; i++) s += RealDensity.PoissonLog(counts[i], EtaReal(x, i, q[0], q.AsSpan(1, d)));
            return s;
        }
        Close(expected, ByColumns(p.Select(v => (Real)v).ToArray()).Value, 1e-11, "Poisson GLM value (columns)");
        Close(expected, ByRows(p.Select(v => (Real)v).ToArray()).Value, 1e-11, "Poisson GLM value (rows)");
        SameAsRowByRow(ByColumns, RowByRow, p, "Poisson GLM columns");
        SameAsRowByRow(ByRows, RowByRow, p, "Poisson GLM rows");
        RealLinearAlgebraTests.GradientMatches(ByColumns, p, 1e-8, "Poisson GLM");
        counts[n - 1] = -1;
        Assert.Equal(double.NegativeInfinity, ByColumns(p.Select(v => (Real)v).ToArray()).Value);
    }

    [Theory]
    [InlineData(1, 1, 7, 2.5)]
    [InlineData(12, 3, 8, 0.4)]
    [InlineData(60, 4, 9, 30.0)]
    public void NegBinomial2LogGlmMatchesMathNetRowByRowRealAndFiniteDifferences(int n, int d, int seed, double phi)
    {
        var x = Design(n, d, seed);
        var rng = new System.Random(seed + 1);
        var beta = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        const double alpha = 0.9;
        // Counts below and above the cache of small counts.
        var counts = Enumerable.Range(0, n).Select(i => rng.Next(0, 9) + (i % 5 == 4 ? 100 : 0)).ToArray();
        double expected = 0;
        for (var i = 0; i < n; i++)
        {
            var mu = Math.Exp(Eta(x, i, alpha, beta));
            expected += MN.NegativeBinomial.PMFLn(phi, phi / (mu + phi), counts[i]);
        }
        var p = new[] { alpha }.Concat(beta).Append(phi).ToArray();
        Real ByColumns(Real[] q) => RealDensity.NegBinomial2LogGlm(counts, x.Columns, q[0], q.AsSpan(1, d), q[d + 1]);
        Real ByRows(Real[] q) => RealDensity.NegBinomial2LogGlm(counts, x.Rows, q[0], q.AsSpan(1, d), q[d + 1]);
        Real RowByRow(Real[] q)
        {
            // log NB2(k; e^η, φ) over Real operations, one term per row.
            Real s = 0;
            var f = q[d + 1];
            for (var i = 0; i < n; i++)
            {
                var h = EtaReal(x, i, q[0], q.AsSpan(1, d));
                var k = counts[i];
                var lse = RealMath.LogSumExp(h, RealMath.Log(f));
                s += RealMath.LogGamma(k + f) - RealMath.LogGamma(f) - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1.0)
                     + k * h + f * RealMath.Log(f) - (k + f) * lse;
            }
            return s;
        }
        Close(expected, ByColumns(p.Select(v => (Real)v).ToArray()).Value, 1e-11, "NB2 GLM value (columns)");
        Close(expected, ByRows(p.Select(v => (Real)v).ToArray()).Value, 1e-11, "NB2 GLM value (rows)");
        SameAsRowByRow(ByColumns, RowByRow, p, "NB2 GLM columns");
        SameAsRowByRow(ByRows, RowByRow, p, "NB2 GLM rows");
        RealLinearAlgebraTests.GradientMatches(ByColumns, p, 1e-7, "NB2 GLM");
        Assert.True(double.IsNaN(RealDensity.NegBinomial2LogGlm(counts, x.Columns, 0, beta.Select(v => (Real)v).ToArray(), -1.0).Value));
        counts[0] = -3;
        Assert.Equal(double.NegativeInfinity, ByRows(p.Select(v => (Real)v).ToArray()).Value);
    }

    [Fact]
    public void NegBinomial2ApproachesThePoissonAsThePrecisionGrows()
    {
        var x = Design(20, 2, 10);
        var counts = Enumerable.Range(0, 20).Select(i => i % 7).ToArray();
        Real[] beta = [0.2, -0.4];
        var poisson = RealDensity.PoissonLogGlm(counts, x.Columns, 0.5, beta).Value;
        var nb = RealDensity.NegBinomial2LogGlm(counts, x.Columns, 0.5, beta, 1e8).Value;
        Close(poisson, nb, 1e-6, "NB2(φ → ∞)");
    }

    [Theory]
    [InlineData(33, 3)]  // fewer columns than a vector
    [InlineData(33, 5)]  // one vector and a tail of 1 (the tail is one load that overlaps the vector)
    [InlineData(34, 6)]  // a tail of 2
    [InlineData(35, 7)]  // a tail of 3
    [InlineData(37, 10)] // two vectors and a tail of 2, rows left after the last block of four
    [InlineData(1103, 30)] // above the staged pass's size: the fused pass, with a tail of 2 and rows left over
    public void BernoulliLogitGlmByRowsEqualsByColumns(int n, int d)
    {
        var x = Design(n, d, 16);
        var rng = new System.Random(17);
        var y = Enumerable.Range(0, n).Select(_ => (double)rng.Next(0, 2)).ToArray();
        var p = Enumerable.Range(0, d + 1).Select(_ => rng.NextDouble() - 0.5).ToArray();
        SameAsRowByRow(q => RealDensity.BernoulliLogitGlm(y, x.Rows, q[0], q.AsSpan(1, d)),
            q => RealDensity.BernoulliLogitGlm(y, x.Columns, q[0], q.AsSpan(1, d)), p, $"Bernoulli GLM rows vs columns ({n} × {d})");
    }

    [Fact]
    public void VectorisedNormalMatchesTheSumOfScalarTermsInEveryForm()
    {
        var rng = new System.Random(18);
        const int n = 11;
        var y = RealLinearAlgebraTests.RandomVector(rng, n);
        var mus = RealLinearAlgebraTests.RandomVector(rng, n);
        var sigmas = Enumerable.Range(0, n).Select(_ => 0.3 + rng.NextDouble()).ToArray();
        double expected = 0;
        for (var i = 0; i < n; i++) expected += MN.Normal.PDFLn(mus[i], sigmas[i], y[i]);

        var p = mus.Concat(sigmas).ToArray();
        Real Both(Real[] q) => RealDensity.Normal(y, q.AsSpan(0, n), q.AsSpan(n, n));
        Real BothRef(Real[] q)
        {
            Real s = 0;
            for (var i = 0; i < n; i++) s += RealDensity.Normal(y[i], q[i], q[n + i]);
            return s;
        }
        Close(expected, Both(p.Select(v => (Real)v).ToArray()).Value, 1e-12, "vector μ, σ value");
        SameAsRowByRow(Both, BothRef, p, "vector μ, σ");
        RealLinearAlgebraTests.GradientMatches(Both, p, 1e-8, "vector μ, σ");

        var p2 = mus.Append(0.7).ToArray();
        SameAsRowByRow(q => RealDensity.Normal(y, q.AsSpan(0, n), q[n]), q =>
        {
            Real s = 0;
            for (var i = 0; i < n; i++) s += RealDensity.Normal(y[i], q[i], q[n]);
            return s;
        }, p2, "vector μ, shared σ");
        var p3 = new[] { 0.2 }.Concat(sigmas).ToArray();
        SameAsRowByRow(q => RealDensity.Normal(y, q[0], q.AsSpan(1, n)), q =>
        {
            Real s = 0;
            for (var i = 0; i < n; i++) s += RealDensity.Normal(y[i], q[0], q[1 + i]);
            return s;
        }, p3, "shared μ, vector σ");
        sigmas[3] = -1;
        Assert.True(double.IsNaN(RealDensity.Normal(y, mus.Select(v => (Real)v).ToArray(), sigmas.Select(v => (Real)v).ToArray()).Value));
        Assert.Throws<ArgumentException>(() => RealDensity.Normal(y, new Real[n - 1], (Real)1.0));
    }

    [Property(MaxTest = 30)]
    public Property TheFusedNormalGlmEqualsRowByRowRealForRandomDesigns(int seed, byte rows, byte cols)
    {
        var n = 1 + rows % 40;
        var d = 1 + cols % 6;
        var x = Design(n, d, seed);
        var rng = new System.Random(seed);
        var y = RealLinearAlgebraTests.RandomVector(rng, n);
        var p = RealLinearAlgebraTests.RandomVector(rng, d + 1).Append(0.2 + rng.NextDouble() * 3).ToArray();
        SameAsRowByRow(q => RealDensity.NormalIdGlm(y, x.Columns, q[0], q.AsSpan(1, d), q[d + 1]), q =>
        {
            Real s = 0;
            for (var i = 0; i < n; i++) s += RealDensity.Normal(y[i], EtaReal(x, i, q[0], q.AsSpan(1, d)), q[d + 1]);
            return s;
        }, p, $"normal GLM n={n} d={d}");
        return true.ToProperty();
    }

    [Fact]
    public void BooleanOutcomesBecomeZeroAndOne_FourAtATimeAndInTheTail()
    {
        var rng = new System.Random(19);
        var values = Enumerable.Range(0, 11).Select(_ => rng.Next(0, 2) == 1).ToArray();
        // A true need not be the byte 1 (a bool made from other bytes): it still counts as 1.
        var two = (byte)2;
        values[5] = System.Runtime.CompilerServices.Unsafe.As<byte, bool>(ref two);
        var outcomes = RealVectorBuffers.Outcomes(values).ToArray();
        Assert.Equal(values.Select(v => v ? 1.0 : 0.0), outcomes);
        Assert.Equal(1.0, outcomes[5]);
    }

    [Fact]
    public void VectorisedNormalOverRepeatedLocationNodesMatchesTheScalarTerms()
    {
        // Locations that repeat a node in runs and out of order (rows of groups, partly unsorted), and a constant one.
        int[] group = [0, 0, 0, 1, 1, 2, 0, 2, 2, 1];
        double[] y = [0.3, -1.2, 2.5, 0.9, 1.1, -0.4, 0.0, 1.7, -2.2, 0.6];
        double[] p = [0.4, -0.8, 1.3, 0.7];
        Real Vectorised(Real[] q)
        {
            var loc = group.Select(g => g == 2 ? (Real)1.5 : q[g]).ToArray();
            loc[5] = q[2];
            return RealDensity.Normal(y, loc, q[3]);
        }
        Real Scalar(Real[] q)
        {
            Real s = 0;
            for (var i = 0; i < y.Length; i++) s += RealDensity.Normal(y[i], i == 5 ? q[2] : group[i] == 2 ? (Real)1.5 : q[group[i]], q[3]);
            return s;
        }
        SameAsRowByRow(Vectorised, Scalar, p, "normal over repeated locations");
    }
}
