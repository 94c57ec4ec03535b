using Ppl.Distributions;
using Xunit;

namespace Ppl.Tests.Distributions;

public class ParameterValidationTests
{
    /// <summary>An invalid distribution, a value of its type, and the text its error must contain.</summary>
    public static readonly Dictionary<string, (IDistribution Dist, object Value, string[] Mentions)> Cases = new()
    {
        ["Normal"] = (new Normal(0, -1), 0.0, ["sigma", "-1"]),
        ["HalfNormal"] = (new HalfNormal(0), 1.0, ["sigma", "0"]),
        ["LogNormal"] = (new LogNormal(double.NaN, 1), 1.0, ["mu", "NaN"]),
        ["StudentT"] = (new StudentT(-2, 0, 1), 0.0, ["nu", "-2"]),
        ["Cauchy"] = (new Cauchy(0, -3), 0.0, ["scale", "-3"]),
        ["HalfCauchy"] = (new HalfCauchy(double.PositiveInfinity), 1.0, ["scale", "Infinity"]),
        ["Laplace"] = (new Laplace(0, 0), 0.0, ["scale", "0"]),
        ["Exponential"] = (new Exponential(-0.5), 1.0, ["rate", "-0.5"]),
        ["Gamma"] = (new Gamma(-1, 1), 1.0, ["shape", "-1"]),
        ["InverseGamma"] = (new InverseGamma(1, -2), 1.0, ["scale", "-2"]),
        ["Beta"] = (new Beta(1, -4), 0.5, ["beta", "-4"]),
        ["Uniform"] = (new Uniform(3, 1), 2.0, ["upper", "1"]),
        ["Bernoulli"] = (new Bernoulli(1.5), true, ["p", "1.5"]),
        ["Binomial"] = (new Binomial(-3, 0.5), 0, ["n", "-3"]),
        ["Categorical"] = (new Categorical([0.5, 0.6]), 0, ["probs", "1.1"]),
        ["Poisson"] = (new Poisson(-1), 0, ["rate", "-1"]),
        ["BernoulliLogit"] = (new BernoulliLogit(double.NaN), true, ["logit", "NaN"]),
        ["BinomialLogit"] = (new BinomialLogit(4, double.PositiveInfinity), 0, ["logit", "Infinity"]),
        ["PoissonLog"] = (new PoissonLog(710), 0, ["logRate", "710"]),
        ["NegativeBinomial"] = (new NegativeBinomial(2, 0), 0, ["p", "0"]),
        ["Geometric"] = (new Geometric(1.2), 0, ["p", "1.2"]),
        ["DiscreteUniform"] = (new DiscreteUniform(5, 2), 3, ["upper", "2"]),
        ["Dirichlet"] = (new Dirichlet([1, -0.5]), new[] { 0.5, 0.5 }, ["alpha[1]", "-0.5"]),
        ["MvNormal"] = (new MvNormal([0, 0], new double[,] { { 1, 2 }, { 2, 1 } }), new double[2], ["covariance", "positive definite"]),
        ["MvNormalCholesky"] = (MvNormal.FromCholesky([0, 0], new double[,] { { 1, 0 }, { 0.5, -1 } }), new double[2], ["choleskyFactor[1,1]", "-1"]),
        ["Multinomial"] = (new Multinomial(3, [0.5, 0.2]), new[] { 1, 2 }, ["probs", "0.7"]),
        ["LkjCholesky"] = (new LkjCholesky(3, 0), new double[3, 3], ["eta", "0"]),
        ["WishartCholesky"] = (new WishartCholesky(0.5, new double[,] { { 1, 0 }, { 0, 1 } }), new double[,] { { 1, 0 }, { 0, 1 } }, ["nu", "0.5"]),
        ["InverseWishartCholesky"] = (new InverseWishartCholesky(3, new double[,] { { 1, 0.2 }, { 0, 1 } }), new double[,] { { 1, 0 }, { 0, 1 } }, ["scaleCholesky", "lower-triangular"]),
        ["Mixture"] = (new Mixture<double>([0.5, 0.5], [new Normal(0, 1), new Exponential(-2)]), 1.0, ["components[1]", "rate", "-2"]),
        ["Delta"] = (new Delta(double.NaN), 0.0, ["value", "NaN"]),
        ["Gmm"] = (new Gmm([0.4, 0.4], [[0.0], [1.0]], [new double[,] { { 1 } }, new double[,] { { 1 } }]), new[] { 0.0 }, ["weights", "0.8"]),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory, MemberData(nameof(Names))]
    public void SampleAndLogDensityThrowNamingParameterAndValue(string name)
    {
        var (dist, value, mentions) = Cases[name];
        Assert.NotNull(dist.ParameterError);
        var e1 = Assert.Throws<DistributionParameterException>(() => dist.SampleBoxed(new Rng(1)));
        var e2 = Assert.Throws<DistributionParameterException>(() => dist.LogDensityBoxed(value));
        foreach (var e in new[] { e1, e2 })
            foreach (var m in mentions) Assert.Contains(m, e.Message);
    }

    [Fact]
    public void ConstructingAnInvalidDistributionDoesNotThrow()
    {
        var d = Dist.Gamma(-1, -1);
        Assert.Equal("Gamma", d.Family);
        Assert.Contains("shape", d.ParameterError);
    }
}
