using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// <see cref="RealCovariance"/>: entries against the kernels' textbook forms (the Matérn ones also against the general
/// Matérn formula with MathNet's modified Bessel function of the second kind), gradients in the hyperparameters against
/// finite differences, positive definiteness (with jitter) and a GP marginal likelihood end to end.
/// </summary>
public class RealCovarianceTests
{
    private static readonly double[] Xs = [-1.3, -0.2, 0.0, 0.45, 1.7, 3.1];

    private static readonly double[][] Points = [[0, 0], [1, 0.5], [-0.7, 2], [0.3, -1.1], [2.2, 1.9]];

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (u, v) => (u - v) * (u - v)).Sum());

    /// <summary>The general Matérn kernel α² 2^{1−ν}/Γ(ν) (√(2ν) d/ρ)^ν K_ν(√(2ν) d/ρ), by MathNet's Bessel function.</summary>
    private static double MaternGeneral(double nu, double d, double alpha, double rho)
    {
        if (d == 0) return alpha * alpha;
        var s = Math.Sqrt(2 * nu) * d / rho;
        return alpha * alpha * Math.Pow(2, 1 - nu) / MathNet.Numerics.SpecialFunctions.Gamma(nu) * Math.Pow(s, nu) * MathNet.Numerics.SpecialFunctions.BesselK(nu, s);
    }

    [Fact]
    public void EntriesMatchTheKernelsDefinitions()
    {
        const double alpha = 1.3, rho = 0.8, period = 2.5;
        var eq = RealCovariance.ExpQuad(Xs, alpha, rho);
        var m32 = RealCovariance.Matern32(Xs, alpha, rho);
        var m52 = RealCovariance.Matern52(Xs, alpha, rho);
        var per = RealCovariance.Periodic(Xs, alpha, rho, period);
        for (var i = 0; i < Xs.Length; i++)
            for (var j = 0; j < Xs.Length; j++)
            {
                var d = Math.Abs(Xs[i] - Xs[j]);
                Close(alpha * alpha * Math.Exp(-d * d / (2 * rho * rho)), eq[i, j].Value, 1e-14, $"ExpQuad[{i},{j}]");
                Close(MaternGeneral(1.5, d, alpha, rho), m32[i, j].Value, 1e-9, $"Matern32[{i},{j}]");
                Close(MaternGeneral(2.5, d, alpha, rho), m52[i, j].Value, 1e-9, $"Matern52[{i},{j}]");
                var sn = Math.Sin(Math.PI * d / period);
                Close(alpha * alpha * Math.Exp(-2 * sn * sn / (rho * rho)), per[i, j].Value, 1e-14, $"Periodic[{i},{j}]");
            }
        var md = RealCovariance.Matern52(Points, alpha, rho, jitter: 1e-6);
        for (var i = 0; i < Points.Length; i++)
            for (var j = 0; j < Points.Length; j++)
                Close(MaternGeneral(2.5, Distance(Points[i], Points[j]), alpha, rho) + (i == j ? 1e-6 : 0), md[i, j].Value, 1e-9, $"Matern52 ℝ²[{i},{j}]");
        Assert.True(double.IsNaN(RealCovariance.ExpQuad(Xs, alpha, -1.0)[0, 1].Value));
        Assert.True(double.IsNaN(RealCovariance.Periodic(Xs, alpha, rho, 0.0)[0, 0].Value));
    }

    public static TheoryData<string> Kernels => new("ExpQuad", "Matern32", "Matern52", "Periodic");

    private static Real[,] Kernel(string name, Real[] q, bool multi, double jitter = 0) => (name, multi) switch
    {
        ("ExpQuad", false) => RealCovariance.ExpQuad(Xs, q[0], q[1], jitter),
        ("ExpQuad", true) => RealCovariance.ExpQuad(Points, q[0], q[1], jitter),
        ("Matern32", false) => RealCovariance.Matern32(Xs, q[0], q[1], jitter),
        ("Matern32", true) => RealCovariance.Matern32(Points, q[0], q[1], jitter),
        ("Matern52", false) => RealCovariance.Matern52(Xs, q[0], q[1], jitter),
        ("Matern52", true) => RealCovariance.Matern52(Points, q[0], q[1], jitter),
        (_, false) => RealCovariance.Periodic(Xs, q[0], q[1], q[2], jitter),
        _ => RealCovariance.Periodic(Points, q[0], q[1], q[2], jitter),
    };

    [Theory, MemberData(nameof(Kernels))]
    public void GradientsInTheHyperparametersMatchFiniteDifferences(string name)
    {
        double[] p = [1.3, 0.8, 2.5];
        foreach (var multi in new[] { false, true })
        {
            var n = multi ? Points.Length : Xs.Length;
            var w = Enumerable.Range(0, n * n).Select(k => Math.Sin(1.7 * k + 0.3)).ToArray();
            RealLinearAlgebraTests.GradientMatches(q =>
            {
                var k = Kernel(name, q, multi);
                Real s = 0;
                for (var i = 0; i < n; i++)
                    for (var j = 0; j < n; j++) s += w[i * n + j] * k[i, j];
                return s;
            }, p, 1e-9, $"{name} (multi = {multi})");
        }
    }

    [Theory, MemberData(nameof(Kernels))]
    public void AGpMarginalLikelihoodThroughCholeskyMatchesMathNetAndFiniteDifferences(string name)
    {
        double[] p = [1.1, 0.9, 2.0];
        var y = Xs.Select(x => Math.Sin(2 * x)).ToArray();
        var n = Xs.Length;
        Real Lml(Real[] q) => RealDensity.MultiNormalCholesky(y, new double[n], RealLinearAlgebra.Cholesky(Kernel(name, q, false, 1e-6)));
        var k = Kernel(name, p.Select(v => (Real)v).ToArray(), false, 1e-6);
        var km = Matrix<double>.Build.Dense(n, n, (i, j) => k[i, j].Value);
        var yv = Vector<double>.Build.DenseOfArray(y);
        var expected = -0.5 * (yv * km.Inverse() * yv) - 0.5 * Math.Log(km.Determinant()) - 0.5 * n * Math.Log(2 * Math.PI);
        Close(expected, Lml(p.Select(v => (Real)v).ToArray()).Value, 1e-9, $"{name} log marginal likelihood");
        RealLinearAlgebraTests.GradientMatches(Lml, p, 1e-7, $"{name} log marginal likelihood");
    }

    [Property(MaxTest = 40)]
    public Property CovarianceMatricesOfDistinctPointsArePositiveDefinite(int seed, byte size, byte kernel)
    {
        var n = 2 + size % 15;
        var rng = new System.Random(seed);
        var xs = Enumerable.Range(0, n).Select(i => i * 0.4 + rng.NextDouble() * 0.3).ToArray();
        var alpha = 0.3 + rng.NextDouble() * 2;
        var rho = 0.2 + rng.NextDouble() * 2;
        var k = (kernel % 4) switch
        {
            0 => RealCovariance.ExpQuad(xs, alpha, rho, 1e-8),
            1 => RealCovariance.Matern32(xs, alpha, rho),
            2 => RealCovariance.Matern52(xs, alpha, rho, 1e-8),
            _ => RealCovariance.Periodic(xs, alpha, rho, 1.3 + rng.NextDouble(), 1e-6),
        };
        var l = RealLinearAlgebra.Cholesky(k);
        var symmetric = true;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) symmetric &= k[i, j].Value == k[j, i].Value;
        return (symmetric && double.IsFinite(l[n - 1, n - 1].Value) && l[n - 1, n - 1].Value > 0).ToProperty();
    }
}
