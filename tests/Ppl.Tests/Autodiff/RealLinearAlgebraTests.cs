using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// <see cref="RealLinearAlgebra"/> and <see cref="RealDensity.MultiNormalCholesky(ReadOnlySpan{Real}, ReadOnlySpan{Real}, Real[,])"/>:
/// values against MathNet's dense linear algebra, gradients (through the tape operations' adjoint rules) against
/// five-point finite differences, and FsCheck properties over random SPD matrices.
/// </summary>
public class RealLinearAlgebraTests
{
    /// <summary>A random SPD matrix B Bᵀ + shift·I.</summary>
    internal static double[,] RandomSpd(System.Random rng, int n, double shift = 0.5)
    {
        var b = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) b[i, j] = rng.NextDouble() * 2 - 1;
        var a = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                double s = i == j ? shift : 0;
                for (var k = 0; k < n; k++) s += b[i, k] * b[j, k];
                a[i, j] = s;
            }
        return a;
    }

    internal static double[] RandomVector(System.Random rng, int n)
    {
        var v = new double[n];
        for (var i = 0; i < n; i++) v[i] = rng.NextDouble() * 4 - 2;
        return v;
    }

    /// <summary>The lower triangle packed row by row (the parameters a function of a symmetric matrix depends on).</summary>
    internal static double[] PackLower(double[,] a)
    {
        var n = a.GetLength(0);
        var p = new double[n * (n + 1) / 2];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) p[i * (i + 1) / 2 + j] = a[i, j];
        return p;
    }

    /// <summary>A symmetric Real matrix from packed lower-triangle parameters (the same Real at (i, j) and (j, i)).</summary>
    internal static Real[,] Symmetric(ReadOnlySpan<Real> p, int n)
    {
        var a = new Real[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) a[i, j] = a[j, i] = p[i * (i + 1) / 2 + j];
        return a;
    }

    /// <summary>A lower-triangular Real matrix from packed parameters.</summary>
    internal static Real[,] LowerFrom(ReadOnlySpan<Real> p, int n)
    {
        var a = new Real[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) a[i, j] = p[i * (i + 1) / 2 + j];
        return a;
    }

    /// <summary>Checks the tape's gradient of <paramref name="f"/> at <paramref name="p"/> against five-point finite differences.</summary>
    internal static void GradientMatches(Func<Real[], Real> f, double[] p, double tol, string label, double step = 1e-4)
    {
        var tape = Tape.Current;
        tape.Reset();
        var vars = p.Select(tape.Variable).ToArray();
        var y = f(vars);
        tape.Backward(y);
        var grad = vars.Select(tape.Adjoint).ToArray();
        Assert.Equal(f(p.Select(v => (Real)v).ToArray()).Value, y.Value, 12);
        for (var i = 0; i < p.Length; i++)
        {
            var fd = Partial(q => f(q.Select(v => (Real)v).ToArray()).Value, p, i, step);
            Close(fd, grad[i], tol, $"{label}: ∂/∂p[{i}]");
        }
    }

    private static double[] Weights(int count, int seed)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
    }

    /// <summary>Σ wᵢⱼ Mᵢⱼ over the lower triangle: a scalar that sees every entry of a result.</summary>
    private static Real WeightedLower(Real[,] m, double[] w)
    {
        Real s = 0;
        var n = m.GetLength(0);
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) s += w[i * (i + 1) / 2 + j] * m[i, j];
        return s;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 3)]
    [InlineData(12, 4)]
    public void CholeskyMatchesMathNetAndItsAdjointMatchesFiniteDifferences(int n, int seed)
    {
        var rng = new System.Random(seed);
        var a = RandomSpd(rng, n);
        var expected = Matrix<double>.Build.DenseOfArray(a).Cholesky().Factor;
        var l = RealLinearAlgebra.Cholesky(Symmetric(PackLower(a).Select(v => (Real)v).ToArray(), n));
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) Close(expected[i, j], l[i, j].Value, 1e-13, $"L[{i},{j}]");
        var w = Weights(n * (n + 1) / 2, seed + 100);
        GradientMatches(p => WeightedLower(RealLinearAlgebra.Cholesky(Symmetric(p, n)), w), PackLower(a), 1e-8, $"Cholesky n={n}");
        // A nonlinear use of the factor after the operation (the tape continues past the operation's outputs).
        GradientMatches(p =>
        {
            var f = RealLinearAlgebra.Cholesky(Symmetric(p, n));
            return RealMath.Exp(0.3 * f[n - 1, 0]) * f[n - 1, n - 1] + RealMath.Square(f[0, 0]);
        }, PackLower(a), 1e-8, $"Cholesky n={n}, nonlinear");
    }

    [Fact]
    public void CholeskyReadsOnlyTheLowerTriangleAndGivesNaNWhenNotPositiveDefinite()
    {
        var tape = Tape.Current;
        tape.Reset();
        var x = tape.Variable(0.5);
        var a = new Real[,] { { 2.0, 1e6 * x }, { x, 1.0 } };
        var l = RealLinearAlgebra.Cholesky(a);
        Close(Math.Sqrt(2), l[0, 0].Value, 1e-15, "L00");
        Close(0.5 / Math.Sqrt(2), l[1, 0].Value, 1e-15, "L10");
        Assert.Equal(0.0, l[0, 1].Value);
        Assert.True(l[0, 1].IsConstant);
        var bad = RealLinearAlgebra.Cholesky(new Real[,] { { 1.0, 0 }, { x * 4, 1.0 } });
        Assert.True(double.IsNaN(bad[1, 1].Value));
        Assert.Null(RealLinearAlgebra.Cholesky(new double[,] { { 1, 2 }, { 2, 1 } }));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(4, 6)]
    [InlineData(9, 7)]
    public void TriangularSolvesMatchMathNetAndTheirAdjointsMatchFiniteDifferences(int n, int seed)
    {
        var rng = new System.Random(seed);
        var lm = Matrix<double>.Build.DenseOfArray(RandomSpd(rng, n)).Cholesky().Factor;
        var b = RandomVector(rng, n);
        var lr = new Real[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) lr[i, j] = lm[i, j];
        var x = RealLinearAlgebra.ForwardSolve(lr, b);
        var expected = lm.Solve(Vector<double>.Build.DenseOfArray(b));
        for (var i = 0; i < n; i++) Close(expected[i], x[i].Value, 1e-12, $"forward x[{i}]");
        var ut = lm.Transpose();
        var xu = RealLinearAlgebra.BackSolve(RealLinearAlgebra.Transpose(lr), b);
        var expectedU = ut.Solve(Vector<double>.Build.DenseOfArray(b));
        for (var i = 0; i < n; i++) Close(expectedU[i], xu[i].Value, 1e-12, $"back x[{i}]");

        // Parameters: the packed lower triangle of L, then b.
        var m = n * (n + 1) / 2;
        var p = PackLower(lm.ToArray()).Concat(b).ToArray();
        var w = Weights(n, seed + 1);
        Real Weighted(Real[] v)
        {
            Real s = 0;
            for (var i = 0; i < n; i++) s += w[i] * v[i] + 0.1 * RealMath.Square(v[i]);
            return s;
        }
        GradientMatches(q => Weighted(RealLinearAlgebra.ForwardSolve(LowerFrom(q, n), q.AsSpan(m))), p, 1e-8, $"ForwardSolve n={n}");
        GradientMatches(q => Weighted(RealLinearAlgebra.BackSolve(RealLinearAlgebra.Transpose(LowerFrom(q, n)), q.AsSpan(m))), p, 1e-8, $"BackSolve n={n}");
        // Constant right-hand side.
        GradientMatches(q => Weighted(RealLinearAlgebra.ForwardSolve(LowerFrom(q, n), b)), PackLower(lm.ToArray()), 1e-8, $"ForwardSolve const b n={n}");
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(6, 9)]
    public void LogDeterminantAndInverseQuadraticFormMatchMathNet(int n, int seed)
    {
        var rng = new System.Random(seed);
        var a = RandomSpd(rng, n);
        var am = Matrix<double>.Build.DenseOfArray(a);
        var x = RandomVector(rng, n);
        var xv = Vector<double>.Build.DenseOfArray(x);
        var p = PackLower(a);
        var ld = RealLinearAlgebra.LogDeterminantFromCholesky(RealLinearAlgebra.Cholesky(Symmetric(p.Select(v => (Real)v).ToArray(), n)));
        Close(Math.Log(am.Determinant()), ld.Value, 1e-12, "log det");
        var q = RealLinearAlgebra.InverseQuadraticForm(RealLinearAlgebra.Cholesky(Symmetric(p.Select(v => (Real)v).ToArray(), n)), x);
        Close(xv * (am.Inverse() * xv), q.Value, 1e-11, "xᵀΣ⁻¹x");

        GradientMatches(v => RealLinearAlgebra.LogDeterminantFromCholesky(RealLinearAlgebra.Cholesky(Symmetric(v, n))), p, 1e-8, "log det through Cholesky");
        var m = p.Length;
        GradientMatches(v => RealLinearAlgebra.InverseQuadraticForm(RealLinearAlgebra.Cholesky(Symmetric(v, n)), v.AsSpan(m)), p.Concat(x).ToArray(), 1e-8, "quadratic form through Cholesky");
        // Σ⁻¹ x is the gradient of ½ xᵀΣ⁻¹x in x (an analytic check of the rule's x part).
        var tape = Tape.Current;
        tape.Reset();
        var xs = x.Select(tape.Variable).ToArray();
        var lc = RealLinearAlgebra.Cholesky(Symmetric(p.Select(v => (Real)v).ToArray(), n));
        var half = 0.5 * RealLinearAlgebra.InverseQuadraticForm(lc, xs);
        tape.Backward(half);
        var sx = am.Solve(xv);
        for (var i = 0; i < n; i++) Close(sx[i], tape.Adjoint(xs[i]), 1e-11, $"Σ⁻¹x[{i}]");
    }

    [Fact]
    public void MatrixVectorProductMatchesAndItsAdjointMatchesFiniteDifferences()
    {
        var rng = new System.Random(11);
        const int rows = 4, cols = 3;
        var a = new double[rows, cols];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++) a[i, j] = rng.NextDouble() * 2 - 1;
        var x = RandomVector(rng, cols);
        var expected = Matrix<double>.Build.DenseOfArray(a) * Vector<double>.Build.DenseOfArray(x);
        var y = RealLinearAlgebra.Multiply(a, x.Select(v => (Real)v).ToArray());
        for (var i = 0; i < rows; i++) Close(expected[i], y[i].Value, 1e-14, $"y[{i}]");
        var w = Weights(rows, 12);
        Real Use(Real[] v)
        {
            Real s = 0;
            for (var i = 0; i < v.Length; i++) s += w[i] * v[i] * v[i];
            return s;
        }
        Real[,] AsMatrix(Real[] q)
        {
            var m = new Real[rows, cols];
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < cols; j++) m[i, j] = q[i * cols + j];
            return m;
        }
        var flat = a.Cast<double>().ToArray();
        GradientMatches(q => Use(RealLinearAlgebra.Multiply(AsMatrix(q), q.AsSpan(rows * cols))), flat.Concat(x).ToArray(), 1e-9, "A x, both variable");
        GradientMatches(q => Use(RealLinearAlgebra.Multiply(a, q)), x, 1e-9, "A x, constant A");
        GradientMatches(q => Use(RealLinearAlgebra.Multiply(AsMatrix(q), x)), flat, 1e-9, "A x, constant x");
    }

    [Theory]
    [InlineData(1, 13)]
    [InlineData(3, 14)]
    [InlineData(7, 15)]
    public void MultiNormalCholeskyMatchesMathNetAndTheComposedOperations(int n, int seed)
    {
        var rng = new System.Random(seed);
        var sigma = RandomSpd(rng, n);
        var sm = Matrix<double>.Build.DenseOfArray(sigma);
        var lm = sm.Cholesky().Factor;
        var y = RandomVector(rng, n);
        var mu = RandomVector(rng, n);
        var r = Vector<double>.Build.DenseOfArray(y) - Vector<double>.Build.DenseOfArray(mu);
        var expected = -0.5 * (r * sm.Inverse() * r) - 0.5 * Math.Log(sm.Determinant()) - 0.5 * n * Math.Log(2 * Math.PI);
        var lr = new Real[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) lr[i, j] = lm[i, j];
        Close(expected, RealDensity.MultiNormalCholesky(y, mu.Select(v => (Real)v).ToArray(), lr).Value, 1e-12, "MVN value");
        // MathNet's matrix normal with one column is the multivariate normal.
        var mn = new MathNet.Numerics.Distributions.MatrixNormal(
            Matrix<double>.Build.Dense(n, 1, mu), sm, Matrix<double>.Build.Dense(1, 1, 1.0));
        Close(Math.Log(mn.Density(Matrix<double>.Build.Dense(n, 1, y))), RealDensity.MultiNormalCholesky(y, mu, lr).Value, 1e-10, "MVN vs MatrixNormal");

        var m = n * (n + 1) / 2;
        var p = PackLower(lm.ToArray()).Concat(y).Concat(mu).ToArray();
        GradientMatches(q => RealDensity.MultiNormalCholesky(q.AsSpan(m, n), q.AsSpan(m + n, n), LowerFrom(q, n)), p, 1e-8, "MVN(y, μ, L)");
        GradientMatches(q => RealDensity.MultiNormalCholesky(y, q.AsSpan(m, n), LowerFrom(q, n)), p[..(m + n)], 1e-8, "MVN(const y, μ, L)");
        GradientMatches(q => RealDensity.MultiNormalCholesky(q.AsSpan(m, n), mu, LowerFrom(q, n)), p[..(m + n)], 1e-8, "MVN(y, const μ, L)");
        GradientMatches(q => RealDensity.MultiNormalCholesky(y, mu, LowerFrom(q, n)), p[..m], 1e-8, "MVN(const y, const μ, L)");

        // The fused density equals the composition of the other operations, value and gradient, with Σ as the variable.
        var sp = PackLower(sigma).Concat(y).ToArray();
        Real Composed(Real[] q)
        {
            var l = RealLinearAlgebra.Cholesky(Symmetric(q, n));
            var z = RealLinearAlgebra.ForwardSolve(l, q.AsSpan(m, n).ToArray().Select((v, i) => v - mu[i]).ToArray());
            Real ss = 0;
            foreach (var v in z) ss += v * v;
            return -0.5 * ss - 0.5 * RealLinearAlgebra.LogDeterminantFromCholesky(l) - 0.5 * n * Math.Log(2 * Math.PI);
        }
        Real Fused(Real[] q) => RealDensity.MultiNormalCholesky(q.AsSpan(m, n), mu, RealLinearAlgebra.Cholesky(Symmetric(q, n)));
        var tape = Tape.Current;
        tape.Reset();
        var v1 = sp.Select(tape.Variable).ToArray();
        var c = Composed(v1);
        tape.Backward(c);
        var g1 = v1.Select(tape.Adjoint).ToArray();
        tape.Reset();
        var v2 = sp.Select(tape.Variable).ToArray();
        var f = Fused(v2);
        tape.Backward(f);
        Close(c.Value, f.Value, 1e-12, "composed vs fused value");
        for (var i = 0; i < sp.Length; i++) Close(g1[i], tape.Adjoint(v2[i]), 1e-10, $"composed vs fused ∂[{i}]");
        GradientMatches(Fused, sp, 1e-8, "MVN(y, μ, chol(Σ)) in Σ");
    }

    [Fact]
    public void AnOperationRecordedAfterTheOutputDoesNotRunAndResetForgetsOperations()
    {
        var tape = Tape.Current;
        tape.Reset();
        var x = tape.Variable(2.0);
        var early = x * x;
        var l = RealLinearAlgebra.Cholesky(new Real[,] { { early, 0 }, { 1.0, 3.0 } });
        tape.Backward(early);
        Assert.Equal(4.0, tape.Adjoint(x));
        tape.Backward(l[0, 0]);
        Close(0.5 / Math.Sqrt(4.0) * 4.0, tape.Adjoint(x), 1e-15, "∂√(x²)/∂x");
        tape.Reset();
        var y = tape.Variable(3.0);
        var z = y * 2.0;
        tape.Backward(z);
        Assert.Equal(2.0, tape.Adjoint(y));
    }

    [Property(MaxTest = 40)]
    public Property CholeskyOfARandomSpdMatrixReconstructsItAndItsGradientMatches(int seed, byte size)
    {
        var n = 1 + size % 6;
        var rng = new System.Random(seed);
        var a = RandomSpd(rng, n, 0.1 + rng.NextDouble());
        var l = RealLinearAlgebra.Cholesky(Symmetric(PackLower(a).Select(v => (Real)v).ToArray(), n));
        var ok = true;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                double s = 0;
                for (var k = 0; k < n; k++) s += l[i, k].Value * l[j, k].Value;
                ok &= Math.Abs(s - a[i, j]) <= 1e-12 * (1 + Math.Abs(a[i, j]));
                if (j > i) ok &= l[i, j].Value == 0;
            }
        var w = Weights(n * (n + 1) / 2, seed);
        GradientMatches(p => WeightedLower(RealLinearAlgebra.Cholesky(Symmetric(p, n)), w), PackLower(a), 1e-6, $"Cholesky n={n} seed={seed}");
        return ok.ToProperty();
    }

    [Property(MaxTest = 40)]
    public Property SolvingAgainstTheProductGivesTheVectorBackAndMvnEqualsTheQuadraticFormIdentity(int seed, byte size)
    {
        var n = 1 + size % 7;
        var rng = new System.Random(seed);
        var a = RandomSpd(rng, n);
        var x = RandomVector(rng, n);
        var l = RealLinearAlgebra.Cholesky(Symmetric(PackLower(a).Select(v => (Real)v).ToArray(), n));
        var lx = RealLinearAlgebra.Multiply(l, x);
        var back = RealLinearAlgebra.ForwardSolve(l, lx);
        var ok = Enumerable.Range(0, n).All(i => Math.Abs(back[i].Value - x[i]) <= 1e-10 * (1 + Math.Abs(x[i])));
        var mvn = RealDensity.MultiNormalCholesky(x, new double[n], l).Value;
        var viaParts = -0.5 * RealLinearAlgebra.InverseQuadraticForm(l, x).Value - 0.5 * RealLinearAlgebra.LogDeterminantFromCholesky(l).Value
                       - 0.5 * n * Math.Log(2 * Math.PI);
        ok &= Math.Abs(mvn - viaParts) <= 1e-10 * (1 + Math.Abs(mvn));
        return ok.ToProperty();
    }
}

public class RealMultiNormalManyTests
{
    [Theory]
    [InlineData(1, 1, 21)]
    [InlineData(4, 5, 22)]
    public void ManyObservationsEqualTheSumOfSingleOnesInValueAndGradient(int n, int m, int seed)
    {
        var rng = new System.Random(seed);
        var lm = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(RealLinearAlgebraTests.RandomSpd(rng, n)).Cholesky().Factor;
        var ys = Enumerable.Range(0, m).Select(_ => RealLinearAlgebraTests.RandomVector(rng, n)).ToArray();
        var mu = RealLinearAlgebraTests.RandomVector(rng, n);
        var k = n * (n + 1) / 2;
        var p = RealLinearAlgebraTests.PackLower(lm.ToArray()).Concat(mu).ToArray();
        Real Many(Real[] q) => RealDensity.MultiNormalCholesky(ys, q.AsSpan(k, n), RealLinearAlgebraTests.LowerFrom(q, n));
        Real Sum(Real[] q)
        {
            Real s = 0;
            foreach (var y in ys) s += RealDensity.MultiNormalCholesky(y, q.AsSpan(k, n), RealLinearAlgebraTests.LowerFrom(q, n));
            return s;
        }
        var tape = Tape.Current;
        tape.Reset();
        var v1 = p.Select(tape.Variable).ToArray();
        var a = Many(v1);
        tape.Backward(a);
        var g = v1.Select(tape.Adjoint).ToArray();
        tape.Reset();
        var v2 = p.Select(tape.Variable).ToArray();
        var b = Sum(v2);
        tape.Backward(b);
        Precise.Close(b.Value, a.Value, 1e-12, "value");
        for (var i = 0; i < p.Length; i++) Precise.Close(tape.Adjoint(v2[i]), g[i], 1e-10, $"∂[{i}]");
        RealLinearAlgebraTests.GradientMatches(Many, p, 1e-8, "MVN many");
    }
}
