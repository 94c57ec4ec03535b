using Ppl.Distributions;
using Xunit;

namespace Ppl.Tests.Distributions;

public class ReparameterizationTests
{
    [Theory]
    [InlineData(0.3, 1.7, -0.8)]
    [InlineData(-2.0, 0.2, 1.9)]
    public void NormalReparameterizedDrawHasTheRightGradients(double mu, double sigma, double eps)
    {
        const double h = 1e-6;
        double F(double m, double s) => new Normal(m, s).Reparameterize(eps);
        var dMu = (F(mu + h, sigma) - F(mu - h, sigma)) / (2 * h);
        var dSigma = (F(mu, sigma + h) - F(mu, sigma - h)) / (2 * h);
        Assert.Equal(1.0, dMu, 8);
        Assert.Equal(eps, dSigma, 8);
    }

    [Fact]
    public void ReparameterizedNormalDrawsHaveTheRightDistribution()
    {
        var d = new Normal(1.2, 0.7);
        var rng = new Rng(2);
        var xs = Enumerable.Range(0, 20000).Select(_ => d.Reparameterize(rng.NextGaussian())).ToArray();
        TestStats.AssertMoments(xs, d.Mean, d.Variance, "reparameterised Normal");
    }

    [Fact]
    public void MvNormalReparameterizeIsAffineInEpsilon()
    {
        var d = new MvNormal([1, 2], new double[,] { { 4, 1 }, { 1, 2 } });
        var x0 = d.Reparameterize([0, 0]);
        Assert.Equal([1.0, 2.0], x0);
        var x1 = d.Reparameterize([1, 0]);
        var l = d.CholeskyFactor;
        Assert.Equal(l[0, 0], x1[0] - 1, 12);
        Assert.Equal(l[1, 0], x1[1] - 2, 12);
    }
}
