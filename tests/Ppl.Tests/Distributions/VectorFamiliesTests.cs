using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using Xunit;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Tests.Distributions;

public class VectorFamiliesTests
{
    /// <summary>∫ over ℝᵈ by the midpoint rule on [−r, r]ᵈ (the integrands here are smooth with light tails).</summary>
    private static double Grid(int dim, double r, int steps, Func<double[], double> f)
    {
        var h = 2 * r / steps;
        var idx = new int[dim];
        var u = new double[dim];
        double total = 0;
        var count = (long)Math.Pow(steps, dim);
        for (long t = 0; t < count; t++)
        {
            var rest = t;
            for (var k = 0; k < dim; k++)
            {
                idx[k] = (int)(rest % steps);
                rest /= steps;
                u[k] = -r + (idx[k] + 0.5) * h;
            }
            total += f(u);
        }
        return total * Math.Pow(h, dim);
    }

    private static void AssertVectorMoments(IList<double[]> xs, double[] mean, double[] variance, string label)
    {
        for (var k = 0; k < mean.Length; k++)
            TestStats.AssertMoments(xs.Select(x => x[k]).ToArray(), mean[k], variance[k], $"{label}[{k}]");
    }

    // ---------- Dirichlet ----------

    [Fact]
    public void DirichletIntegratesToOneThroughItsBijector()
    {
        var d = new Dirichlet([2, 3, 1.5]);
        var b = d.Bijector;
        var total = Grid(2, 14, 400, u => Math.Exp(d.LogDensity(b.Forward(u)) + b.LogAbsDetJacobian(u)));
        Assert.True(Math.Abs(total - 1) < 1e-4, $"∫p = {total}");
    }

    [Fact]
    public void DirichletMatchesMathNetAndMoments()
    {
        double[] alpha = [2, 3, 1.5];
        var d = new Dirichlet(alpha);
        var reference = new MN.Dirichlet(alpha);
        foreach (var x in new[] { new[] { 0.2, 0.5, 0.3 }, new[] { 0.7, 0.1, 0.2 } })
            TestStats.Close(reference.DensityLn(x), d.LogDensity(x), 1e-10, "Dirichlet vs MathNet");
        var rng = new Rng(7);
        var xs = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng)).ToList();
        AssertVectorMoments(xs, d.Mean, d.Variance, "Dirichlet");
        Assert.Equal(double.NegativeInfinity, d.LogDensity([0.5, 0.6, -0.1]));
        Assert.Equal(double.NegativeInfinity, d.LogDensity([0.5, 0.6, 0.1]));
        Assert.Equal(double.NegativeInfinity, d.LogDensity([0.5, 0.5]));
    }

    // ---------- MvNormal ----------

    private static readonly double[] Mu = [1, -2];
    private static readonly double[,] Sigma = { { 2, 0.8 }, { 0.8, 1 } };

    [Fact]
    public void MvNormalIntegratesToOneAndMatchesTheFormula()
    {
        var d = new MvNormal(Mu, Sigma);
        var total = Grid(2, 12, 300, u => Math.Exp(d.LogDensity([u[0] + 1, u[1] - 2])));
        Assert.True(Math.Abs(total - 1) < 1e-6, $"∫p = {total}");
        var s = Matrix<double>.Build.DenseOfArray(Sigma);
        var x = Vector<double>.Build.Dense([0.3, -1.1]);
        var diff = x - Vector<double>.Build.Dense(Mu);
        var expected = -0.5 * diff * s.Inverse() * diff - 0.5 * Math.Log(s.Determinant()) - Math.Log(2 * Math.PI);
        TestStats.Close(expected, d.LogDensity([0.3, -1.1]), 1e-10, "MvNormal formula");
        var fromChol = MvNormal.FromCholesky(Mu, d.CholeskyFactor);
        Assert.Equal(d.LogDensity([0.3, -1.1]), fromChol.LogDensity([0.3, -1.1]), 12);
        Assert.Equal(double.NegativeInfinity, d.LogDensity([1.0]));
        Assert.Equal(double.NegativeInfinity, d.LogDensity([double.NaN, 0]));
    }

    [Fact]
    public void MvNormalSamplesHaveTheRightMomentsAndCovariance()
    {
        var d = new MvNormal(Mu, Sigma);
        var rng = new Rng(11);
        var xs = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng)).ToList();
        AssertVectorMoments(xs, d.Mean, d.Variance, "MvNormal");
        // The product of centred coordinates has mean Σ₀₁.
        var prods = xs.Select(x => (x[0] - Mu[0]) * (x[1] - Mu[1])).ToArray();
        var m = prods.Average();
        var se = Math.Sqrt(prods.Select(p => (p - m) * (p - m)).Sum() / (prods.Length - 1) / prods.Length);
        Assert.True(Math.Abs(m - 0.8) < 5 * se, $"covariance {m} vs 0.8 (SE {se})");
    }

    // ---------- Multinomial ----------

    [Fact]
    public void MultinomialSumsToOneMatchesMathNetAndMoments()
    {
        double[] p = [0.2, 0.5, 0.3];
        var d = new Multinomial(5, p);
        var reference = new MN.Multinomial(p, 5);
        double total = 0;
        for (var a = 0; a <= 5; a++)
            for (var b = 0; a + b <= 5; b++)
            {
                int[] x = [a, b, 5 - a - b];
                total += Math.Exp(d.LogDensity(x));
                TestStats.Close(Math.Log(reference.Probability(x)), d.LogDensity(x), 1e-10, "Multinomial vs MathNet");
            }
        Assert.Equal(1.0, total, 12);
        Assert.Equal(double.NegativeInfinity, d.LogDensity([1, 1, 1]));
        Assert.Equal(double.NegativeInfinity, d.LogDensity([6, -1, 0]));
        var rng = new Rng(3);
        var xs = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng).Select(v => (double)v).ToArray()).ToList();
        AssertVectorMoments(xs, d.Mean, d.Variance, "Multinomial");
    }

    // ---------- LKJ Cholesky ----------

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void LkjOfDimensionTwoIsTheStretchedBeta(double eta)
    {
        var d = new LkjCholesky(2, eta);
        foreach (var r in new[] { -0.9, -0.2, 0.0, 0.6 })
        {
            var l = new double[,] { { 1, 0 }, { r, Math.Sqrt(1 - r * r) } };
            var expected = MN.Beta.PDFLn(eta, eta, (r + 1) / 2) - Math.Log(2);
            TestStats.Close(expected, d.LogDensity(l), 1e-10, $"LKJ(2, {eta}) at r = {r}");
        }
        var total = TestStats.Integrate(r => Math.Exp(d.LogDensity(new double[,] { { 1, 0 }, { r, Math.Sqrt(1 - r * r) } })), -1, 1);
        Assert.True(Math.Abs(total - 1) < 1e-6, $"∫p = {total}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void LkjOfDimensionThreeIntegratesToOneThroughItsBijector(double eta)
    {
        var d = new LkjCholesky(3, eta);
        var b = d.Bijector;
        var total = Grid(3, 7, 70, u => Math.Exp(d.LogDensity(b.Forward(u)) + b.LogAbsDetJacobian(u)));
        Assert.True(Math.Abs(total - 1) < 1e-3, $"∫p = {total}");
    }

    [Fact]
    public void LkjSampledCorrelationsHaveTheBetaMarginal()
    {
        const int n = 3;
        const double eta = 1.5;
        var d = new LkjCholesky(n, eta);
        var rng = new Rng(21);
        var draws = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng)).ToList();
        Assert.All(draws.Take(200), l => Assert.True(d.LogDensity(l) > double.NegativeInfinity));
        // Each off-diagonal correlation is Beta(b, b) on (−1, 1) with b = η − 1 + n/2: mean 0, variance 1/(2b + 1).
        var bShape = eta - 1 + n / 2.0;
        foreach (var (i, j) in new[] { (1, 0), (2, 0), (2, 1) })
        {
            var rs = draws.Select(l => Enumerable.Range(0, n).Sum(k => l[i, k] * l[j, k])).ToArray();
            TestStats.AssertMoments(rs, 0, 1 / (2 * bShape + 1), $"R[{i},{j}]");
        }
    }

    [Fact]
    public void LkjRejectsMatricesOutsideTheSupport()
    {
        var d = new LkjCholesky(2, 2);
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1, 0 }, { 0.5, 0.5 } }));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1, 0.1 }, { 0, 1 } }));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1, 0 }, { 0.6, -0.8 } }));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[3, 3]));
    }

    // ---------- GMM ----------

    private static Gmm TwoComponentGmm() => new(
        [0.3, 0.7],
        [[0, 0], [3, 1]],
        [new double[,] { { 1, 0.3 }, { 0.3, 0.5 } }, new double[,] { { 0.6, -0.2 }, { -0.2, 1.2 } }]);

    [Fact]
    public void GmmIntegratesToOneAndIsTheWeightedSum()
    {
        var g = TwoComponentGmm();
        var total = Grid(2, 12, 300, u => Math.Exp(g.LogDensity([u[0] + 1.5, u[1] + 0.5])));
        Assert.True(Math.Abs(total - 1) < 1e-6, $"∫p = {total}");
        double[] x = [1, 0.5];
        var expected = Math.Log(0.3 * Math.Exp(g.Components[0].LogDensity(x)) + 0.7 * Math.Exp(g.Components[1].LogDensity(x)));
        TestStats.Close(expected, g.LogDensity(x), 1e-12, "GMM log-sum-exp");
        var fromChol = Gmm.FromCholesky(g.Weights.ToArray(), [[0, 0], [3, 1]], [g.Components[0].CholeskyFactor, g.Components[1].CholeskyFactor]);
        Assert.Equal(g.LogDensity(x), fromChol.LogDensity(x), 12);
    }

    [Fact]
    public void GmmSamplesMatchTheMomentMatchedGaussian()
    {
        var g = TwoComponentGmm();
        var rng = new Rng(17);
        var xs = Enumerable.Range(0, 20000).Select(_ => g.Sample(rng)).ToList();
        AssertVectorMoments(xs, g.Mean, g.Variance, "GMM");
        var mm = g.MomentMatched();
        Assert.Equal(g.Mean, mm.Mean);
        var c = g.Covariance;
        // Law of total covariance, by hand: 0.3·0.3 + 0.7·(−0.2) + 0.3·0.7·(3 − 0)(1 − 0) = −0.05 + 0.63.
        Assert.Equal(0.09 - 0.14 + 0.63, c[0, 1], 12);
        Assert.Equal(c[0, 1], mm.Covariance[0, 1], 12);
    }
}
