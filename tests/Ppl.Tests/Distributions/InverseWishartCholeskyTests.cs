using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using Xunit;
using MN = MathNet.Numerics.Distributions;
using W = Ppl.Tests.Distributions.WishartCholeskyTests;

namespace Ppl.Tests.Distributions;

/// <summary>
/// The Cholesky factor of an inverse-Wishart matrix: its density against MathNet's inverse-Wishart density of LLᵀ plus
/// the log-Jacobian of L ↦ LLᵀ by central differences, the one-dimensional case against the inverse gamma, draws whose
/// LLᵀ has the inverse-Wishart mean Ψ/(ν − n − 1) and variances, the support, and the parameter errors.
/// </summary>
public class InverseWishartCholeskyTests
{
    [Theory]
    [InlineData(2, 1.7)]
    [InlineData(2, 5.0)]
    [InlineData(3, 2.5)]
    [InlineData(3, 8.3)]
    public void LogDensityIsTheInverseWishartOfLLtPlusTheLogJacobianOfTheMap(int n, double nu)
    {
        var psi = n == 2 ? W.S2 : W.S3;
        var d = Dist.InverseWishartCholesky(nu, W.Factor(psi));
        foreach (var l in W.Factors(n, 37, 8))
        {
            var sigma = W.Gram(l);
            var ofGram = Math.Log(new MN.InverseWishart(nu, Matrix<double>.Build.DenseOfArray(psi)).Density(Matrix<double>.Build.DenseOfArray(sigma)));
            TestStats.Close(ofGram + W.LogJacobianOfGram(l), d.LogDensity(l), 1e-7, $"InverseWishartCholesky({nu}), n = {n}, L00 = {l[0, 0]}");
            // Negative control: the inverse-Wishart density of LLᵀ alone (no Jacobian) is not the factor's density.
            Assert.True(Math.Abs(ofGram - d.LogDensity(l)) > 1e-3, $"the Jacobian is negligible at L00 = {l[0, 0]}");
        }
    }

    /// <summary>In one dimension Σ = L² ~ InverseGamma(ν/2, ψ/2), so p(L) = 2L · InverseGamma(L²).</summary>
    [Fact]
    public void InOneDimensionTheDensityIsTwoLTimesTheInverseGammaDensityOfLSquared()
    {
        foreach (var x in new[] { 0.2, 1.0, 2.7 })
            TestStats.Close(Math.Log(2 * x) + Math.Log(MN.InverseGamma.PDF(1.5, 0.4, x * x)),
                new InverseWishartCholesky(3, new double[,] { { Math.Sqrt(0.8) } }).LogDensity(new double[,] { { x } }), 1e-12, $"1-D at {x}");
    }

    /// <summary>
    /// E[Σ] = Ψ/(ν − n − 1) and Var Σᵢⱼ = ((ν − n + 1)Ψᵢⱼ² + (ν − n − 1)ΨᵢᵢΨⱼⱼ) / ((ν − n)(ν − n − 1)²(ν − n − 3)), with
    /// ν large enough that the sample variance has a finite variance.
    /// </summary>
    [Fact]
    public void DrawsAreCholeskyFactorsWhoseGramHasTheInverseWishartMeanAndVariances()
    {
        const double nu = 14;
        const int n = 3;
        var psi = W.S3;
        var d = Dist.InverseWishartCholesky(nu, W.Factor(psi));
        var rng = new Rng(2030);
        var draws = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng)).ToArray();
        Assert.All(draws, l => Assert.True(l[0, 1] == 0 && l[0, 2] == 0 && l[1, 2] == 0 && l[0, 0] > 0 && l[1, 1] > 0 && l[2, 2] > 0));
        var grams = draws.Select(W.Gram).ToArray();
        const double m = nu - n;
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                var (a, b) = (i, j);
                var variance = ((m + 1) * psi[i, j] * psi[i, j] + (m - 1) * psi[i, i] * psi[j, j]) / (m * (m - 1) * (m - 1) * (m - 3));
                TestStats.AssertMoments(grams.Select(w => w[a, b]).ToArray(), psi[i, j] / (m - 1), variance, $"(LLᵀ)[{i},{j}]");
            }
        Assert.All(draws.Take(100), l => Assert.True(double.IsFinite(d.LogDensity(l))));
        // Negative control: the mean under the denominator ν − n (one degree of freedom off) is rejected.
        var xs = grams.Select(w => w[0, 0]).ToArray();
        var se = Math.Sqrt(xs.Select(x => (x - xs.Average()) * (x - xs.Average())).Sum() / (xs.Length - 1) / xs.Length);
        Assert.True(Math.Abs(xs.Average() - psi[0, 0] / m) > 5 * se, $"mean {xs.Average()} against Ψ/(ν − n) = {psi[0, 0] / m} (SE {se})");
    }

    [Fact]
    public void OutsideTheSupportTheDensityIsZeroAndBadParametersAreReported()
    {
        var d = new InverseWishartCholesky(4, W.Factor(W.S2));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1, 0.1 }, { 0.5, 1 } }));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 0, 0 }, { 0.5, 1 } }));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1 } }));
        Assert.Contains("nu", new InverseWishartCholesky(1, W.Factor(W.S2)).ParameterError);
        Assert.Contains("lower-triangular", new InverseWishartCholesky(4, W.S2).ParameterError);
        Assert.Throws<DistributionParameterException>(() => new InverseWishartCholesky(0.5, W.Factor(W.S2)).Sample(new Rng(1)));
        Assert.Equal(3, d.Bijector.UnconstrainedSize);
        Assert.Equal(SupportKind.CholeskyFactor, d.Support.Kind);
        Assert.Equal("InverseWishartCholesky", d.Family);
    }
}
