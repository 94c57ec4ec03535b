using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using Xunit;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Tests.Distributions;

/// <summary>
/// The Cholesky factor of a Wishart matrix: its density against MathNet's Wishart density of LLᵀ plus the log-Jacobian
/// of L ↦ LLᵀ on the lower triangles taken by central differences (so neither the closed-form Jacobian nor this
/// library's Wishart is trusted), the one-dimensional case against the gamma, Bartlett draws whose LLᵀ has the Wishart
/// mean νS and variances ν(Sᵢⱼ² + SᵢᵢSⱼⱼ), the support, and the parameter errors.
/// </summary>
public class WishartCholeskyTests
{
    internal static readonly double[,] S2 = { { 1.5, 0.4 }, { 0.4, 0.9 } };

    internal static readonly double[,] S3 = { { 1.5, 0.4, -0.2 }, { 0.4, 0.9, 0.1 }, { -0.2, 0.1, 2.0 } };

    /// <summary>The Cholesky factor by MathNet (not this library's factorisation).</summary>
    internal static double[,] Factor(double[,] s) => Matrix<double>.Build.DenseOfArray(s).Cholesky().Factor.ToArray();

    internal static double[,] Gram(double[,] l)
    {
        var n = l.GetLength(0);
        var w = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                for (var k = 0; k < n; k++) w[i, j] += l[i, k] * l[j, k];
        return w;
    }

    /// <summary>A lower-triangular n×n matrix from its lower triangle, row by row (as given: no exponentials).</summary>
    internal static double[,] Lower(int n, double[] entries)
    {
        var l = new double[n, n];
        var p = 0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) l[i, j] = entries[p++];
        return l;
    }

    /// <summary>log |det| of the map from L's lower triangle to LLᵀ's lower triangle at <paramref name="l"/>, by central differences.</summary>
    internal static double LogJacobianOfGram(double[,] l)
    {
        var n = l.GetLength(0);
        var entries = new List<double>();
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) entries.Add(l[i, j]);
        return TestStats.NumericLogAbsDet(v =>
        {
            var w = Gram(Lower(n, v));
            var lower = new List<double>();
            for (var i = 0; i < n; i++)
                for (var j = 0; j <= i; j++) lower.Add(w[i, j]);
            return [.. lower];
        }, [.. entries], 1e-6);
    }

    /// <summary>Random lower-triangular factors with diagonals in (0.3, 2.3) and off-diagonals in (−1, 1), fixed seed.</summary>
    internal static IEnumerable<double[,]> Factors(int n, ulong seed, int count)
    {
        var rng = new Rng(seed);
        for (var c = 0; c < count; c++)
        {
            var l = new double[n, n];
            for (var i = 0; i < n; i++)
            {
                l[i, i] = 0.3 + 2 * rng.NextDouble();
                for (var j = 0; j < i; j++) l[i, j] = 2 * rng.NextDouble() - 1;
            }
            yield return l;
        }
    }

    [Theory]
    [InlineData(2, 1.7)]
    [InlineData(2, 5.0)]
    [InlineData(3, 2.5)]
    [InlineData(3, 8.3)]
    public void LogDensityIsTheWishartOfLLtPlusTheLogJacobianOfTheMap(int n, double nu)
    {
        var s = n == 2 ? S2 : S3;
        var d = Dist.WishartCholesky(nu, Factor(s));
        foreach (var l in Factors(n, 31, 8))
        {
            var w = Gram(l);
            var ofGram = Math.Log(new MN.Wishart(nu, Matrix<double>.Build.DenseOfArray(s)).Density(Matrix<double>.Build.DenseOfArray(w)));
            TestStats.Close(ofGram + LogJacobianOfGram(l), d.LogDensity(l), 1e-7, $"WishartCholesky({nu}), n = {n}, L00 = {l[0, 0]}");
            // Negative control: the Wishart density of LLᵀ alone (no Jacobian) is not the factor's density.
            Assert.True(Math.Abs(ofGram - d.LogDensity(l)) > 1e-3, $"the Jacobian is negligible at L00 = {l[0, 0]}");
        }
    }

    /// <summary>In one dimension W = L² ~ Gamma(ν/2, rate 1/(2s)), so p(L) = 2L · Gamma(L²).</summary>
    [Fact]
    public void InOneDimensionTheDensityIsTwoLTimesTheGammaDensityOfLSquared()
    {
        foreach (var x in new[] { 0.2, 1.0, 2.7 })
            TestStats.Close(Math.Log(2 * x) + MN.Gamma.PDFLn(1.5, 1 / (2 * 0.8), x * x),
                new WishartCholesky(3, new double[,] { { Math.Sqrt(0.8) } }).LogDensity(new double[,] { { x } }), 1e-12, $"1-D at {x}");
    }

    [Fact]
    public void DrawsAreCholeskyFactorsWhoseGramHasTheWishartMeanAndVariances()
    {
        const double nu = 4.5;
        var d = Dist.WishartCholesky(nu, Factor(S3));
        var rng = new Rng(2029);
        var draws = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng)).ToArray();
        Assert.All(draws, l => Assert.True(l[0, 1] == 0 && l[0, 2] == 0 && l[1, 2] == 0 && l[0, 0] > 0 && l[1, 1] > 0 && l[2, 2] > 0));
        var grams = draws.Select(Gram).ToArray();
        for (var i = 0; i < 3; i++)
            for (var j = 0; j <= i; j++)
            {
                var (a, b) = (i, j);
                TestStats.AssertMoments(grams.Select(w => w[a, b]).ToArray(), nu * S3[i, j], nu * (S3[i, j] * S3[i, j] + S3[i, i] * S3[j, j]), $"(LLᵀ)[{i},{j}]");
            }
        Assert.All(draws.Take(100), l => Assert.True(double.IsFinite(d.LogDensity(l))));
        // Negative control: νS is not the mean under ν + 1 degrees of freedom.
        var ratio = grams.Select(w => w[0, 0]).Average() / ((nu + 1) * S3[0, 0]);
        Assert.True(Math.Abs(ratio - 1) > 0.1, $"the mean of (LLᵀ)[0,0] over (ν + 1)S[0,0] is {ratio}");
    }

    [Fact]
    public void OutsideTheSupportTheDensityIsZeroAndBadParametersAreReported()
    {
        var d = new WishartCholesky(4, Factor(S2));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1, 0.1 }, { 0.5, 1 } }));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1, 0 }, { 0.5, -1 } }));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1 } }));
        Assert.Contains("nu", new WishartCholesky(0.5, Factor(S2)).ParameterError);
        Assert.Contains("lower-triangular", new WishartCholesky(4, S2).ParameterError);
        Assert.Contains("scaleCholesky[1,1]", new WishartCholesky(4, new double[,] { { 1, 0 }, { 0.5, 0 } }).ParameterError);
        Assert.Throws<DistributionParameterException>(() => new WishartCholesky(0.5, Factor(S2)).Sample(new Rng(1)));
        Assert.Equal(3, d.Bijector.UnconstrainedSize);
        Assert.Equal(SupportKind.CholeskyFactor, d.Support.Kind);
        Assert.Equal("WishartCholesky", d.Family);
    }
}
