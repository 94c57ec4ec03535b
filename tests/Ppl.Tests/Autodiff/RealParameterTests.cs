using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;

namespace Ppl.Tests.Autodiff;

public class RealParameterTests
{
    private const double NaN = double.NaN;
    private const double Inf = double.PositiveInfinity;

    /// <summary>Invalid continuous distributions, each with its double twin.</summary>
    public static readonly (IRealContinuous Real, IDistribution<double> Double)[] InvalidContinuous =
    [
        (RealDist.Normal(0, -1), Dist.Normal(0, -1)),
        (RealDist.Normal(0, 0), Dist.Normal(0, 0)),
        (RealDist.Normal(NaN, 1), Dist.Normal(NaN, 1)),
        (RealDist.Normal(Inf, 1), Dist.Normal(Inf, 1)),
        (RealDist.Normal(0, Inf), Dist.Normal(0, Inf)),
        (RealDist.Normal(0, NaN), Dist.Normal(0, NaN)),
        (RealDist.HalfNormal(0), Dist.HalfNormal(0)),
        (RealDist.HalfNormal(NaN), Dist.HalfNormal(NaN)),
        (RealDist.LogNormal(NaN, 1), Dist.LogNormal(NaN, 1)),
        (RealDist.LogNormal(0, -2.5), Dist.LogNormal(0, -2.5)),
        (RealDist.StudentT(-2, 0, 1), Dist.StudentT(-2, 0, 1)),
        (RealDist.StudentT(Inf), Dist.StudentT(Inf)),
        (RealDist.StudentT(3, -Inf, 1), Dist.StudentT(3, -Inf, 1)),
        (RealDist.StudentT(3, 0, 0), Dist.StudentT(3, 0, 0)),
        (RealDist.StudentT(NaN, 0, 1), Dist.StudentT(NaN, 0, 1)),
        (RealDist.Cauchy(0, -3), Dist.Cauchy(0, -3)),
        (RealDist.Cauchy(NaN, 3), Dist.Cauchy(NaN, 3)),
        (RealDist.HalfCauchy(Inf), Dist.HalfCauchy(Inf)),
        (RealDist.Laplace(0, 0), Dist.Laplace(0, 0)),
        (RealDist.Laplace(-Inf, 1), Dist.Laplace(-Inf, 1)),
        (RealDist.Exponential(-0.5), Dist.Exponential(-0.5)),
        (RealDist.Exponential(NaN), Dist.Exponential(NaN)),
        (RealDist.Gamma(-1, 1), Dist.Gamma(-1, 1)),
        (RealDist.Gamma(1, 0), Dist.Gamma(1, 0)),
        (RealDist.Gamma(Inf, 1), Dist.Gamma(Inf, 1)),
        (RealDist.InverseGamma(1, -2), Dist.InverseGamma(1, -2)),
        (RealDist.InverseGamma(NaN, 2), Dist.InverseGamma(NaN, 2)),
        (RealDist.Beta(1, -4), Dist.Beta(1, -4)),
        (RealDist.Beta(0, 1), Dist.Beta(0, 1)),
        (RealDist.Beta(1, Inf), Dist.Beta(1, Inf)),
        (RealDist.Uniform(3, 1), Dist.Uniform(3, 1)),
        (RealDist.Uniform(1, 1), Dist.Uniform(1, 1)),
        (RealDist.Uniform(NaN, 1), Dist.Uniform(NaN, 1)),
        (RealDist.Uniform(0, Inf), Dist.Uniform(0, Inf)),
        (RealDist.Uniform(-Inf, 0), Dist.Uniform(-Inf, 0)),
        (RealDist.HalfStudentT(0, 1), Dist.HalfStudentT(0, 1)),
        (RealDist.HalfStudentT(3, -1), Dist.HalfStudentT(3, -1)),
        (RealDist.HalfStudentT(Inf, 1), Dist.HalfStudentT(Inf, 1)),
        (RealDist.HalfStudentT(3, NaN), Dist.HalfStudentT(3, NaN)),
        (RealDist.SkewNormal(NaN, 1, 0), Dist.SkewNormal(NaN, 1, 0)),
        (RealDist.SkewNormal(0, 0, 1), Dist.SkewNormal(0, 0, 1)),
        (RealDist.SkewNormal(0, 1, Inf), Dist.SkewNormal(0, 1, Inf)),
        (RealDist.VonMises(Inf, 1), Dist.VonMises(Inf, 1)),
        (RealDist.VonMises(0, 0), Dist.VonMises(0, 0)),
        (RealDist.VonMises(0, -2), Dist.VonMises(0, -2)),
        (RealDist.Truncated(RealDist.Normal(0, 1), 2, 1), Dist.Truncated(Dist.Normal(0, 1), 2, 1)),
        (RealDist.Truncated(RealDist.Normal(0, 1), 1, 1), Dist.Truncated(Dist.Normal(0, 1), 1, 1)),
        (RealDist.Truncated(RealDist.Normal(0, 1), NaN, 1), Dist.Truncated(Dist.Normal(0, 1), NaN, 1)),
        (RealDist.Truncated(RealDist.Normal(0, 1), 0, NaN), Dist.Truncated(Dist.Normal(0, 1), 0, NaN)),
        (RealDist.Truncated(RealDist.Normal(0, -1), 0, 1), Dist.Truncated(Dist.Normal(0, -1), 0, 1)),
        (RealDist.Truncated(RealDist.Normal(0, -1), lower: 0), Dist.Truncated(Dist.Normal(0, -1), lower: 0)),
        (RealDist.Truncated(RealDist.Gamma(-1, 1), upper: 3), Dist.Truncated(Dist.Gamma(-1, 1), upper: 3)),
        (RealDist.Truncated(RealDist.Exponential(1), -3, -1), Dist.Truncated(Dist.Exponential(1), -3, -1)),
        (RealDist.Truncated(RealDist.Uniform(0, 1), 2, 3), Dist.Truncated(Dist.Uniform(0, 1), 2, 3)),
    ];

    /// <summary>Invalid discrete distributions over int, each with its double twin.</summary>
    public static readonly (IRealDiscrete<int> Real, IDistribution<int> Double)[] InvalidDiscrete =
    [
        (RealDist.Binomial(-3, 0.5), Dist.Binomial(-3, 0.5)),
        (RealDist.Binomial(3, 1.5), Dist.Binomial(3, 1.5)),
        (RealDist.Binomial(3, NaN), Dist.Binomial(3, NaN)),
        (RealDist.Poisson(-1), Dist.Poisson(-1)),
        (RealDist.Poisson(Inf), Dist.Poisson(Inf)),
        (RealDist.Poisson(NaN), Dist.Poisson(NaN)),
        (RealDist.Geometric(0), Dist.Geometric(0)),
        (RealDist.Geometric(1.2), Dist.Geometric(1.2)),
        (RealDist.Geometric(NaN), Dist.Geometric(NaN)),
        (RealDist.NegativeBinomial(2, 0), Dist.NegativeBinomial(2, 0)),
        (RealDist.NegativeBinomial(0, 0.5), Dist.NegativeBinomial(0, 0.5)),
        (RealDist.NegativeBinomial(Inf, 0.5), Dist.NegativeBinomial(Inf, 0.5)),
        (RealDist.NegativeBinomial(2, 1.01), Dist.NegativeBinomial(2, 1.01)),
        (RealDist.Categorical([0.5, 0.6]), Dist.Categorical([0.5, 0.6])),
        (RealDist.Categorical([-0.1, 1.1]), Dist.Categorical([-0.1, 1.1])),
        (RealDist.Categorical([NaN, 1]), Dist.Categorical([NaN, 1])),
        (RealDist.Categorical([0.3, 0.3]), Dist.Categorical([0.3, 0.3])),
        (RealDist.Categorical([]), Dist.Categorical([])),
        (RealDist.Categorical(null!), Dist.Categorical(null!)),
        (RealDist.DiscreteUniform(5, 2), Dist.DiscreteUniform(5, 2)),
    ];

    [Fact]
    public void InvalidContinuousParametersGiveNaNAndTheDoubleFamilysMessage()
    {
        double[] xs = [-1, 0, 0.5, 1, 2, NaN, Inf];
        foreach (var (real, dbl) in InvalidContinuous)
        {
            Assert.NotNull(dbl.ParameterError);
            Assert.Equal(dbl.ParameterError, real.ParameterError);
            Assert.Equal(dbl.Family, real.Family);
            foreach (var x in xs)
            {
                var tape = Tape.Current;
                tape.Reset();
                var y = real.LogDensity(tape.Variable(x));
                Assert.True(double.IsNaN(y.Value), $"{real} at {x}: {y.Value}");
                Assert.True(y.IsConstant);
            }
            Assert.Throws<DistributionParameterException>(() => dbl.LogDensity(0.5));
        }
    }

    [Fact]
    public void InvalidDiscreteParametersGiveNaNAndTheDoubleFamilysMessage()
    {
        int[] ks = [-1, 0, 1, 2, 3, 4, 100];
        foreach (var (real, dbl) in InvalidDiscrete)
        {
            Assert.NotNull(dbl.ParameterError);
            Assert.Equal(dbl.ParameterError, real.ParameterError);
            Assert.Equal(dbl.Family, real.Family);
            foreach (var k in ks)
                Assert.True(double.IsNaN(real.LogProbability(k).Value), $"{real} at {k}");
        }
        foreach (var p in new[] { -0.1, 1.5, NaN, Inf })
        {
            Assert.Equal(Dist.Bernoulli(p).ParameterError, RealDist.Bernoulli(p).ParameterError);
            Assert.NotNull(RealDist.Bernoulli(p).ParameterError);
            Assert.True(double.IsNaN(RealDist.Bernoulli(p).LogProbability(true).Value));
            Assert.True(double.IsNaN(RealDist.Bernoulli(p).LogProbability(false).Value));
        }
    }

    [Fact]
    public void DefaultStructsAreInvalidNotCrashing()
    {
        // A zero scale: NaN, as the double family's zero scale is an error.
        Assert.True(double.IsNaN(default(RealNormal).LogDensity(0).Value));
        Assert.Equal(default(Normal).ParameterError, default(RealNormal).ParameterError);
        Assert.True(double.IsNaN(default(RealCategorical).LogProbability(0).Value));
        Assert.Equal("probs must not be null", default(RealCategorical).ParameterError);
    }

    [Fact]
    public void ValidEdgeParametersAreAccepted()
    {
        Assert.Null(RealDist.Bernoulli(0).ParameterError);
        Assert.Null(RealDist.Bernoulli(1).ParameterError);
        Assert.Null(RealDist.Binomial(0, 1).ParameterError);
        Assert.Null(RealDist.Poisson(0).ParameterError);
        Assert.Null(RealDist.Geometric(1).ParameterError);
        Assert.Null(RealDist.NegativeBinomial(0.5, 1).ParameterError);
        Assert.Null(RealDist.DiscreteUniform(2, 2).ParameterError);
        // Rounding in a normalisation within the double family's tolerance.
        Assert.Null(RealDist.Categorical([0.1, 0.2, 0.7 + 1e-9]).ParameterError);
        Assert.False(double.IsNaN(RealDist.Categorical([0.1, 0.2, 0.7 + 1e-9]).LogProbability(2).Value));
        Assert.Null(Dist.Categorical([0.1, 0.2, 0.7 + 1e-9]).ParameterError);
        Assert.Equal(0.0, RealDist.DiscreteUniform(2, 2).LogProbability(2).Value);
    }

    [Fact]
    public void FactoriesAcceptNamedArgumentsAsDistDoes()
    {
        // The generator rewrites Dist.F(…) into RealDist.F(…) textually, named arguments included.
        Real a = 1.5, b = 2.0;
        Assert.Equal(Dist.Normal(sigma: 2, mu: 1.5).LogDensity(0.3), RealDist.Normal(sigma: b, mu: a).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.Gamma(rate: 2, shape: 1.5).LogDensity(0.3), RealDist.Gamma(rate: b, shape: a).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.InverseGamma(shape: 1.5, scale: 2).LogDensity(0.3), RealDist.InverseGamma(shape: a, scale: b).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.Beta(beta: 2, alpha: 1.5).LogDensity(0.3), RealDist.Beta(beta: b, alpha: a).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.Uniform(upper: 2, lower: 1.5).LogDensity(1.7), RealDist.Uniform(upper: b, lower: a).LogDensity(1.7).Value, 14);
        Assert.Equal(Dist.Cauchy(scale: 2, loc: 1.5).LogDensity(0.3), RealDist.Cauchy(scale: b, loc: a).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.Laplace(scale: 2, loc: 1.5).LogDensity(0.3), RealDist.Laplace(scale: b, loc: a).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.LogNormal(sigma: 2, mu: 1.5).LogDensity(0.3), RealDist.LogNormal(sigma: b, mu: a).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.HalfNormal(sigma: 2).LogDensity(0.3), RealDist.HalfNormal(sigma: b).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.HalfCauchy(scale: 2).LogDensity(0.3), RealDist.HalfCauchy(scale: b).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.Exponential(rate: 2).LogDensity(0.3), RealDist.Exponential(rate: b).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.StudentT(sigma: 2, nu: 1.5).LogDensity(0.3), RealDist.StudentT(sigma: b, nu: a).LogDensity(0.3).Value, 14);
        Assert.Equal(Dist.Bernoulli(p: 0.25).LogDensity(true), RealDist.Bernoulli(p: 0.25).LogProbability(true).Value, 14);
        Assert.Equal(Dist.Binomial(p: 0.25, n: 4).LogDensity(1), RealDist.Binomial(p: 0.25, n: 4).LogProbability(1).Value, 14);
        Assert.Equal(Dist.Poisson(rate: 2).LogDensity(1), RealDist.Poisson(rate: b).LogProbability(1).Value, 14);
        Assert.Equal(Dist.Geometric(p: 0.25).LogDensity(1), RealDist.Geometric(p: 0.25).LogProbability(1).Value, 14);
        Assert.Equal(Dist.NegativeBinomial(p: 0.25, r: 1.5).LogDensity(1), RealDist.NegativeBinomial(p: 0.25, r: a).LogProbability(1).Value, 14);
        Assert.Equal(Dist.Categorical(probs: [0.25, 0.75]).LogDensity(1), RealDist.Categorical(probs: [0.25, 0.75]).LogProbability(1).Value, 14);
        Assert.Equal(Dist.DiscreteUniform(upper: 4, lower: 1).LogDensity(1), RealDist.DiscreteUniform(upper: 4, lower: 1).LogProbability(1).Value, 14);
    }
}
