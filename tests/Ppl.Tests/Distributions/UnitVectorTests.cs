using MathNet.Numerics;
using Ppl.Distributions;
using Xunit;

namespace Ppl.Tests.Distributions;

/// <summary>
/// Distributions on the unit sphere: the uniform one against the sphere's area, von Mises–Fisher against its closed form
/// on S² and the von Mises family on the circle, its normalisation and mean resultant length by quadrature over the
/// cosine to μ (whose density on Sⁿ⁻¹ is proportional to e^(κt)(1 − t²)^((n−3)/2)), Wood's draws against those moments,
/// and the unit-vector transform.
/// </summary>
public class UnitVectorTests
{
    /// <summary>The area of Sⁿ⁻² times ∫ f(t)(1 − t²)^((n−3)/2) dt over [−1, 1]: the integral over Sⁿ⁻¹ of f(μᵀx).</summary>
    private static double SphereIntegral(int n, Func<double, double> f)
    {
        var area = 2 * Math.Pow(Math.PI, 0.5 * (n - 1)) / SpecialFunctions.Gamma(0.5 * (n - 1));
        return area * TestStats.Integrate(t => f(t) * Math.Pow(1 - t * t, 0.5 * (n - 3)), -1, 1);
    }

    private static double[] Unit(params double[] v)
    {
        var norm = Math.Sqrt(v.Sum(a => a * a));
        return v.Select(a => a / norm).ToArray();
    }

    [Fact]
    public void TheUniformDensityIsOneOverTheArea()
    {
        TestStats.Close(-Math.Log(2 * Math.PI), Dist.UnitVector(2).LogDensity(Unit(0.3, -1)), 1e-14, "circle");
        TestStats.Close(-Math.Log(4 * Math.PI), Dist.UnitVector(3).LogDensity(Unit(1, 2, 3)), 1e-14, "S²");
        TestStats.Close(-Math.Log(2 * Math.PI * Math.PI), Dist.UnitVector(4).LogDensity(Unit(1, 2, 3, 4)), 1e-14, "S³");
        Assert.Equal(double.NegativeInfinity, Dist.UnitVector(3).LogDensity([1, 0.1, 0]));
        Assert.Equal(double.NegativeInfinity, Dist.UnitVector(3).LogDensity([1, 0]));
        Assert.NotNull(Dist.UnitVector(1).ParameterError);
        Assert.Equal(SupportKind.UnitSphere, Dist.UnitVector(3).Support.Kind);
    }

    [Fact]
    public void UniformDrawsAreUnitVectorsWithMeanZeroAndVarianceOneOverN()
    {
        var rng = new Rng(11);
        var draws = Enumerable.Range(0, 20000).Select(_ => Dist.UnitVector(4).Sample(rng)).ToArray();
        Assert.All(draws, x => Assert.Equal(1, Math.Sqrt(x.Sum(a => a * a)), 12));
        for (var i = 0; i < 4; i++) TestStats.AssertMoments(draws.Select(x => x[i]).ToArray(), 0, 0.25, $"x[{i}]");
    }

    [Theory]
    [InlineData(1e-13)]
    [InlineData(1e-5)]
    [InlineData(0.7)]
    [InlineData(12)]
    [InlineData(800)]
    public void OnTheTwoSphereTheDensityIsKappaOverFourPiSinhKappa(double kappa)
    {
        var mu = Unit(1, -2, 0.5);
        foreach (var x in new[] { Unit(1, 0, 0), Unit(1, -2, 0.6), Unit(-1, 2, -0.5) })
        {
            var dot = mu.Zip(x, (a, b) => a * b).Sum();
            // log(κ/(4π sinh κ)) with log sinh κ = κ − log 2 + log(1 − e^(−2κ)), and its limit −log 4π as κ → 0.
            var logC = kappa < 1e-8 ? -Math.Log(4 * Math.PI) : Math.Log(kappa / (4 * Math.PI)) - (kappa - Math.Log(2) + Math.Log(-SpecialFunctions.Expm1(-2 * kappa)));
            TestStats.Close(logC + kappa * dot, Dist.VonMisesFisher(mu, kappa).LogDensity(x), 1e-10, $"κ = {kappa}");
        }
        var a = kappa < 1e-4 ? kappa / 3 : 1 / Math.Tanh(kappa) - 1 / kappa;
        TestStats.Close(a, VonMisesFisher.MeanResultantLength(3, kappa), 1e-10, $"A₃({kappa})");
    }

    [Fact]
    public void OnTheCircleItIsTheVonMisesDensityOfTheAngle()
    {
        foreach (var kappa in new[] { 0.2, 3.0, 40.0 })
            foreach (var theta in new[] { -2.0, 0.1, 1.3 })
                TestStats.Close(Dist.VonMises(0.4, kappa).LogDensity(theta),
                    Dist.VonMisesFisher([Math.Cos(0.4), Math.Sin(0.4)], kappa).LogDensity([Math.Cos(theta), Math.Sin(theta)]), 1e-11, $"κ = {kappa}, θ = {theta}");
    }

    [Theory]
    [InlineData(4, 0.5)]
    [InlineData(5, 7.0)]
    [InlineData(10, 30.0)]
    public void TheDensityIntegratesToOneAndItsMeanResultantLengthIsTheMeanCosine(int n, double kappa)
    {
        var logC = VonMisesFisher.LogNormalizer(n, kappa);
        TestStats.Close(1, SphereIntegral(n, t => Math.Exp(logC + kappa * t)), 1e-9, $"mass on S^{n - 1}");
        TestStats.Close(SphereIntegral(n, t => t * Math.Exp(logC + kappa * t)), VonMisesFisher.MeanResultantLength(n, kappa), 1e-9, $"A_{n}({kappa})");
    }

    [Theory]
    [InlineData(3, 2.5)]
    [InlineData(5, 10.0)]
    [InlineData(3, 0.0)]
    public void WoodDrawsHaveTheMeanDirectionAndSecondMomentsByQuadrature(int n, double kappa)
    {
        var mu = Unit([.. Enumerable.Range(0, n).Select(i => 1.0 + 0.7 * i * (i % 2 == 0 ? 1 : -1))]);
        var d = Dist.VonMisesFisher(mu, kappa);
        var rng = new Rng(29 + n);
        var draws = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng)).ToArray();
        Assert.All(draws, x => Assert.Equal(1, Math.Sqrt(x.Sum(a => a * a)), 12));
        // The cosine t = μᵀx: mean and variance by quadrature (independent of the Bessel functions).
        var logC = VonMisesFisher.LogNormalizer(n, kappa);
        var mean = SphereIntegral(n, t => t * Math.Exp(logC + kappa * t));
        var second = SphereIntegral(n, t => t * t * Math.Exp(logC + kappa * t));
        TestStats.AssertMoments(draws.Select(x => x.Zip(mu, (a, b) => a * b).Sum()).ToArray(), mean, second - mean * mean, "μᵀx");
        // Each coordinate: E[x] = Aμ and E[xxᵀ] = (A/κ)(I − μμᵀ) + E[t²] μμᵀ (the rest of the mass spread evenly).
        var perpendicular = (1 - second) / (n - 1);
        for (var i = 0; i < n; i++)
            TestStats.AssertMoments(draws.Select(x => x[i]).ToArray(), mean * mu[i], perpendicular * (1 - mu[i] * mu[i]) + second * mu[i] * mu[i] - mean * mean * mu[i] * mu[i], $"x[{i}]");
    }

    [Fact]
    public void TheTransformNormalisesAndItsAdjustmentIsMinusHalfTheSquaredNorm()
    {
        var b = new UnitVectorBijector(3);
        double[] y = [0.3, -2.0, 1.1];
        var x = b.Forward(y);
        Assert.Equal(1, Math.Sqrt(x.Sum(a => a * a)), 14);
        Assert.Equal(-0.5 * (0.09 + 4.0 + 1.21), b.LogAbsDetJacobian(y), 14);
        var back = new double[3];
        b.Inverse(x, back);
        Assert.Equal(x, back);
        Assert.Equal(x, b.Forward(back));
        b.Inverse([1, 1, 0], back);
        Assert.True(double.IsNaN(back[0]));
        Assert.Equal(3, Dist.VonMisesFisher([0, 0, 1], 1).Bijector.UnconstrainedSize);
    }

    [Fact]
    public void BadParametersAreReported()
    {
        Assert.Contains("unit vector", Dist.VonMisesFisher([1, 1], 1).ParameterError);
        Assert.Contains("kappa", Dist.VonMisesFisher([1, 0], -1).ParameterError);
        Assert.Contains("at least 2", Dist.VonMisesFisher([1], 1).ParameterError);
        Assert.Throws<DistributionParameterException>(() => Dist.VonMisesFisher([1, 1], 1).Sample(new Rng(1)));
        Assert.Equal(double.NegativeInfinity, Dist.VonMisesFisher([1, 0, 0], 2).LogDensity([0.5, 0, 0]));
    }

    /// <summary>
    /// With Stan's adjustment the density on the unconstrained plane, p(y/‖y‖) e^(−‖y‖²/2), integrates to
    /// ∫₀^∞ r e^(−r²/2) dr = 1 for any density p on the circle (midpoint rule over [−9, 9]²).
    /// </summary>
    [Fact]
    public void TheAdjustedUnconstrainedDensityOfACircleIntegratesToOne()
    {
        var b = new UnitVectorBijector(2);
        var d = Dist.VonMisesFisher([0.6, -0.8], 2.5);
        const int steps = 300;
        const double h = 18.0 / steps;
        double total = 0;
        for (var i = 0; i < steps; i++)
            for (var j = 0; j < steps; j++)
            {
                double[] y = [-9 + (i + 0.5) * h, -9 + (j + 0.5) * h];
                total += Math.Exp(d.LogDensity(b.Forward(y)) + b.LogAbsDetJacobian(y));
            }
        TestStats.Close(1, total * h * h, 1e-3, "mass on the plane");
    }
}
