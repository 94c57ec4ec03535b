using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using Xunit;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Tests.Distributions;

/// <summary>
/// The Wishart family: its density against MathNet's and against the inverse-Wishart through W ↦ W⁻¹ (whose Jacobian
/// on symmetric matrices is |W|^−(n+1)), Bartlett draws against the mean νS and the variances ν(Sᵢⱼ² + SᵢᵢSⱼⱼ), the
/// support, and its parameter errors.
/// </summary>
public class WishartTests
{
    private static readonly double[,] S3 = { { 1.5, 0.4, -0.2 }, { 0.4, 0.9, 0.1 }, { -0.2, 0.1, 2.0 } };

    private static readonly double[][,] Points =
    [
        new double[,] { { 1.0, 0.2, 0.0 }, { 0.2, 0.7, -0.1 }, { 0.0, -0.1, 1.2 } },
        new double[,] { { 5.0, 1.5, -2.0 }, { 1.5, 3.0, 0.4 }, { -2.0, 0.4, 9.0 } },
        new double[,] { { 0.05, 0.01, 0.0 }, { 0.01, 0.2, 0.0 }, { 0.0, 0.0, 0.03 } },
    ];

    [Fact]
    public void LogDensityMatchesMathNet()
    {
        foreach (var nu in new[] { 2.5, 3.0, 4.7, 12.0 })
            foreach (var w in Points)
            {
                var expected = Math.Log(new MN.Wishart(nu, Matrix<double>.Build.DenseOfArray(S3)).Density(Matrix<double>.Build.DenseOfArray(w)));
                TestStats.Close(expected, new Wishart(nu, S3).LogDensity(w), 1e-10, $"Wishart({nu}) at {w[0, 0]}");
            }
        // One dimension: the Wishart is Gamma(ν/2, rate 1/(2s)).
        foreach (var x in new[] { 0.1, 1.0, 7.5 })
            TestStats.Close(MN.Gamma.PDFLn(1.5, 1 / (2 * 0.8), x), new Wishart(3, new double[,] { { 0.8 } }).LogDensity(new double[,] { { x } }), 1e-12, $"1-D at {x}");
    }

    [Fact]
    public void LogDensityIsTheInverseWishartOfTheInverseTimesTheJacobianOfInversion()
    {
        var sInverse = Matrix<double>.Build.DenseOfArray(S3).Inverse().ToArray();
        foreach (var nu in new[] { 2.5, 6.0 })
            foreach (var w in Points)
            {
                var wm = Matrix<double>.Build.DenseOfArray(w);
                var expected = new InverseWishart(nu, sInverse).LogDensity(wm.Inverse().ToArray()) - 4 * Math.Log(wm.Determinant());
                TestStats.Close(expected, new Wishart(nu, S3).LogDensity(w), 1e-9, $"Wishart({nu}) against inverse-Wishart");
            }
    }

    [Fact]
    public void BartlettDrawsHaveMeanNuSAndTheWishartVariances()
    {
        const double nu = 4.5;
        var d = Dist.Wishart(nu, S3);
        var rng = new Rng(2027);
        var draws = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng)).ToArray();
        for (var i = 0; i < 3; i++)
            for (var j = 0; j <= i; j++)
            {
                var (a, b) = (i, j);
                var xs = draws.Select(w => w[a, b]).ToArray();
                TestStats.AssertMoments(xs, nu * S3[i, j], nu * (S3[i, j] * S3[i, j] + S3[i, i] * S3[j, j]), $"W[{i},{j}]");
            }
        Assert.All(draws, w => Assert.True(double.IsFinite(d.LogDensity(w)) && w[0, 1] == w[1, 0]));
        // Negative control: νS is not the mean of W(ν + 1, S).
        var shifted = draws.Select(w => w[0, 0]).Average() / (nu + 1) / S3[0, 0];
        Assert.True(Math.Abs(shifted - 1) > 0.1, $"the mean of W[0,0] over (ν + 1)S[0,0] is {shifted}");
    }

    [Fact]
    public void OutsideTheSupportTheDensityIsZeroAndBadParametersAreReported()
    {
        var d = new Wishart(4, S3);
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1, 2, 0 }, { 2, 1, 0 }, { 0, 0, 1 } }));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1, 0.5, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(new double[,] { { 1 } }));
        Assert.Contains("nu", new Wishart(1.5, S3).ParameterError);
        Assert.Contains("positive definite", new Wishart(4, new double[,] { { 1, 2 }, { 2, 1 } }).ParameterError);
        Assert.Contains("symmetric", new Wishart(4, new double[,] { { 1, 0.2 }, { 0.1, 1 } }).ParameterError);
        Assert.Throws<DistributionParameterException>(() => new Wishart(0.5, S3).Sample(new Rng(1)));
        Assert.Equal(6, d.Bijector.UnconstrainedSize);
        Assert.Equal("Wishart", d.Family);
    }

    [Property(MaxTest = 100)]
    public void LogDensityMatchesMathNetAtRandomCovariances(int a, int b, int c, int d, int e, int f, int g)
    {
        var w = new CovarianceBijector(3).Forward([a / 40.0, b / 20.0, c / 40.0, d / 20.0, e / 20.0, f / 40.0]);
        var nu = 2.1 + Math.Abs(g % 100) / 10.0;
        var expected = Math.Log(new MN.Wishart(nu, Matrix<double>.Build.DenseOfArray(S3)).Density(Matrix<double>.Build.DenseOfArray(w)));
        TestStats.Close(expected, new Wishart(nu, S3).LogDensity(w), 1e-9, $"Wishart({nu})");
    }
}
