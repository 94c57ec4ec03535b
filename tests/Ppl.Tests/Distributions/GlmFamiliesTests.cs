using Ppl.Distributions;
using Xunit;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Tests.Distributions;

/// <summary>
/// The vectorised and fused families (independent normals, the four GLMs): log densities against sums of MathNet's
/// scalar densities row by row, draws against the rows' means, and parameter errors that name the parameter or row.
/// </summary>
public class GlmFamiliesTests
{
    private static readonly double[][] X = [[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8], [0.0, 2.0]];
    private static readonly double[] Beta = [0.7, -0.4];
    private const double Alpha = 0.3;

    private static double Eta(int i) => Alpha + X[i][0] * Beta[0] + X[i][1] * Beta[1];

    [Fact]
    public void Log_densities_are_sums_of_the_rows_scalar_densities()
    {
        double[] y = [0.1, 1.2, -0.5, 0.4];
        Assert.Equal(Enumerable.Range(0, 4).Sum(i => MN.Normal.PDFLn(Eta(i), 0.9, y[i])), Dist.NormalIdGlm(X, Alpha, Beta, 0.9).LogDensity(y), 12);
        bool[] b = [true, false, false, true];
        Assert.Equal(Enumerable.Range(0, 4).Sum(i => Math.Log(b[i] ? 1 / (1 + Math.Exp(-Eta(i))) : 1 - 1 / (1 + Math.Exp(-Eta(i))))),
            Dist.BernoulliLogitGlm(X, Alpha, Beta).LogDensity(b), 12);
        int[] k = [0, 3, 1, 7];
        Assert.Equal(Enumerable.Range(0, 4).Sum(i => MN.Poisson.PMFLn(Math.Exp(Eta(i)), k[i])), Dist.PoissonLogGlm(X, Alpha, Beta).LogDensity(k), 11);
        // NB2(μ, φ) is MathNet's NegativeBinomial(r = φ, p = φ / (μ + φ)) (failures before the r-th success).
        const double phi = 2.5;
        Assert.Equal(Enumerable.Range(0, 4).Sum(i => MN.NegativeBinomial.PMFLn(phi, phi / (Math.Exp(Eta(i)) + phi), k[i])),
            Dist.NegBinomial2LogGlm(X, Alpha, Beta, phi).LogDensity(k), 10);
        double[] mu = [0.0, 1.0, -2.0];
        double[] v = [0.3, 0.9, -1.0];
        Assert.Equal(Enumerable.Range(0, 3).Sum(i => MN.Normal.PDFLn(mu[i], 1.7, v[i])), Dist.IndependentNormal(mu, 1.7).LogDensity(v), 12);
        double[] s = [0.5, 1.0, 2.0];
        Assert.Equal(Enumerable.Range(0, 3).Sum(i => MN.Normal.PDFLn(mu[i], s[i], v[i])), Dist.IndependentNormal(mu, s).LogDensity(v), 12);
        Assert.Equal(double.NegativeInfinity, Dist.PoissonLogGlm(X, Alpha, Beta).LogDensity([0, -1, 0, 0]));
    }

    [Fact]
    public void Draws_have_each_rows_mean()
    {
        // 4000 draws per row: each row's sample mean within 5 standard errors of its exact mean.
        const int n = 4000;
        var rng = new Rng(11);
        var sums = new double[4, 4];
        var nb = Dist.NegBinomial2LogGlm(X, Alpha, Beta, 2.5);
        for (var t = 0; t < n; t++)
        {
            var a = Dist.NormalIdGlm(X, Alpha, Beta, 0.9).Sample(rng);
            var b = Dist.BernoulliLogitGlm(X, Alpha, Beta).Sample(rng);
            var c = Dist.PoissonLogGlm(X, Alpha, Beta).Sample(rng);
            var d = nb.Sample(rng);
            for (var i = 0; i < 4; i++)
            {
                sums[0, i] += a[i];
                sums[1, i] += b[i] ? 1 : 0;
                sums[2, i] += c[i];
                sums[3, i] += d[i];
            }
        }
        for (var i = 0; i < 4; i++)
        {
            var mu = Math.Exp(Eta(i));
            var p = 1 / (1 + Math.Exp(-Eta(i)));
            var cases = new (double Mean, double Variance)[] { (Eta(i), 0.81), (p, p * (1 - p)), (mu, mu), (mu, mu + mu * mu / 2.5) };
            for (var f = 0; f < 4; f++)
                Assert.True(Math.Abs(sums[f, i] / n - cases[f].Mean) < 5 * Math.Sqrt(cases[f].Variance / n), $"family {f} row {i}: {sums[f, i] / n} vs {cases[f].Mean}");
        }
    }

    [Fact]
    public void Bad_parameters_and_shapes_are_named()
    {
        Assert.Contains("sigma must be positive", Dist.NormalIdGlm(X, Alpha, Beta, -1).ParameterError);
        Assert.Contains("x[1] has 3 entries; beta has 2 coefficients", Dist.BernoulliLogitGlm([[1.0, 2.0], [1.0, 2.0, 3.0]], 0, Beta).ParameterError);
        Assert.Contains("beta[1] must be finite", Dist.PoissonLogGlm(X, 0, [1.0, double.NaN]).ParameterError);
        Assert.Contains("phi must be positive", Dist.NegBinomial2LogGlm(X, 0, Beta, 0).ParameterError);
        Assert.Contains("sigma[1] must be positive", Dist.IndependentNormal([0.0, 1.0], [1.0, -2.0]).ParameterError);
        Assert.Contains("sigma has 1 entries; mu has 2", Dist.IndependentNormal([0.0, 1.0], [1.0]).ParameterError);
        var e = Assert.Throws<DistributionParameterException>(() => Dist.NormalIdGlm(X, Alpha, Beta, 1).LogDensity([1.0, 2.0]));
        Assert.Contains("2 entries; the design has 4 rows", e.Message);
        Assert.Null(Dist.NormalIdGlm(X, Alpha, Beta, 1).ParameterError);
    }
}
