using Ppl.Distributions;
using Xunit;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Tests.Distributions;

public class DiscreteFamiliesTests
{
    /// <summary>A family under test: its support (or a range holding all but a negligible tail) and MathNet's log mass.</summary>
    public sealed record Case(IDistribution<int> Dist, int Lower, int Upper, Func<int, double> Reference);

    private static readonly double[] CatProbs = [0.1, 0.25, 0.05, 0.6];

    public static readonly Dictionary<string, Case> Cases = new()
    {
        ["Binomial"] = new(new Binomial(12, 0.3), 0, 12, k => MN.Binomial.PMFLn(0.3, 12, k)),
        ["Categorical"] = new(new Categorical(CatProbs), 0, 3, k => MN.Categorical.PMFLn(CatProbs, k)),
        ["Poisson"] = new(new Poisson(3.5), 0, 200, k => MN.Poisson.PMFLn(3.5, k)),
        ["NegativeBinomial"] = new(new NegativeBinomial(2.5, 0.4), 0, 400, k => MN.NegativeBinomial.PMFLn(2.5, 0.4, k)),
        // MathNet's geometric counts trials (k ≥ 1); ours counts failures (k ≥ 0).
        ["Geometric"] = new(new Geometric(0.3), 0, 400, k => MN.Geometric.PMFLn(0.3, k + 1)),
        ["DiscreteUniform"] = new(new DiscreteUniform(-2, 5), -2, 5, k => MN.DiscreteUniform.PMFLn(-2, 5, k)),
        // The log-odds and log-rate forms against MathNet's probability and rate forms (σ(−0.8) = 1/(1 + e^0.8)).
        ["BinomialLogit"] = new(new BinomialLogit(12, -0.8), 0, 12, k => MN.Binomial.PMFLn(1 / (1 + Math.Exp(0.8)), 12, k)),
        ["PoissonLog"] = new(new PoissonLog(1.25), 0, 200, k => MN.Poisson.PMFLn(Math.Exp(1.25), k)),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory, MemberData(nameof(Names))]
    public void MassSumsToOne(string name)
    {
        var c = Cases[name];
        double total = 0;
        for (var k = c.Lower; k <= c.Upper; k++) total += Math.Exp(c.Dist.LogDensity(k));
        Assert.True(Math.Abs(total - 1) < 1e-10, $"{name}: Σp = {total}");
    }

    [Theory, MemberData(nameof(Names))]
    public void LogMassMatchesMathNet(string name)
    {
        var c = Cases[name];
        for (var k = c.Lower; k <= Math.Min(c.Upper, c.Lower + 30); k++)
        {
            var expected = c.Reference(k);
            var actual = c.Dist.LogDensity(k);
            Assert.True(Math.Abs(expected - actual) <= 1e-10 * Math.Max(1, Math.Abs(expected)), $"{name} at {k}: MathNet {expected}, ours {actual}");
        }
    }

    [Theory, MemberData(nameof(Names))]
    public void SampleMomentsMatch(string name)
    {
        var c = Cases[name];
        var rng = new Rng(99);
        var xs = new double[20000];
        for (var i = 0; i < xs.Length; i++) xs[i] = c.Dist.Sample(rng);
        Assert.All(xs, x => Assert.True(c.Dist.LogDensity((int)x) > double.NegativeInfinity, $"{name}: draw {x} outside the support"));
        var m = (IHasMoments<double>)c.Dist;
        TestStats.AssertMoments(xs, m.Mean, m.Variance, name);
    }

    [Theory, MemberData(nameof(Names))]
    public void OutsideSupportIsNegativeInfinity(string name)
    {
        var c = Cases[name];
        Assert.Equal(double.NegativeInfinity, c.Dist.LogDensity(c.Lower - 1));
        if (c.Dist.Support.Upper is var u && double.IsFinite(u)) Assert.Equal(double.NegativeInfinity, c.Dist.LogDensity((int)u + 1));
        Assert.Equal(double.NegativeInfinity, c.Dist.LogDensity(int.MinValue));
    }

    [Fact]
    public void FiniteFamiliesEnumerateTheirSupport()
    {
        IFiniteDistribution<int>[] finite = [new Binomial(5, 0.4), new Categorical(CatProbs), new DiscreteUniform(-3, 2)];
        foreach (var d in finite)
        {
            double total = 0;
            for (var i = 0; i < d.SupportSize; i++) total += Math.Exp(d.LogDensity(d.SupportValue(i)));
            Assert.Equal(1.0, total, 12);
        }
    }

    [Fact]
    public void BernoulliMassAndMoments()
    {
        var d = new Bernoulli(0.3);
        Assert.Equal(1.0, Math.Exp(d.LogDensity(true)) + Math.Exp(d.LogDensity(false)), 14);
        var rng = new Rng(5);
        var xs = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng) ? 1.0 : 0.0).ToArray();
        TestStats.AssertMoments(xs, d.Mean, d.Variance, "Bernoulli");
    }

    [Fact]
    public void BernoulliLogitMassMomentsAndTails()
    {
        // σ(−0.85) by its definition, against the family's softplus form.
        var d = new BernoulliLogit(-0.85);
        var p = 1 / (1 + Math.Exp(0.85));
        Assert.Equal(Math.Log(p), d.LogDensity(true), 13);
        Assert.Equal(Math.Log(1 - p), d.LogDensity(false), 13);
        var rng = new Rng(6);
        var xs = Enumerable.Range(0, 20000).Select(_ => d.Sample(rng) ? 1.0 : 0.0).ToArray();
        TestStats.AssertMoments(xs, p, p * (1 - p), "BernoulliLogit");
        // Where 1 − σ(l) rounds to 0 (l = 40), the log mass of false is still −40 − log(1 + e^−40), not −∞.
        Assert.Equal(-40 - Math.Log(1 + Math.Exp(-40)), new BernoulliLogit(40).LogDensity(false), 12);
        Assert.Equal(-Math.Log(1 + Math.Exp(-40)), new BernoulliLogit(40).LogDensity(true), 15);
        Assert.True(double.IsNegativeInfinity(new Bernoulli(1 / (1 + Math.Exp(-40))).LogDensity(false)));
    }

    [Fact]
    public void LogOddsAndLogRateFormsKeepTheirDigitsInTheTails()
    {
        // log C(5, 5) + 5 log σ(−30) = −5 softplus(30) = −5 (30 + log(1 + e^−30)).
        Assert.Equal(-5 * (30 + Math.Log(1 + Math.Exp(-30))), new BinomialLogit(5, -30).LogDensity(5), 10);
        Assert.Equal(-5 * Math.Log(1 + Math.Exp(-30)), new BinomialLogit(5, -30).LogDensity(0), 14);
        // log P(0) = −e^(logRate) exactly; a log rate of −800 is a rate that underflows to 0, and P(3) = 3·(−800) − 0 − log 3!.
        Assert.Equal(-Math.Exp(2.5), new PoissonLog(2.5).LogDensity(0), 13);
        Assert.Equal(-2400 - Math.Log(6), new PoissonLog(-800).LogDensity(3), 10);
        Assert.Equal(Math.Exp(1.25), new PoissonLog(1.25).Mean, 14);
    }

    [Fact]
    public void DegenerateParametersGiveExactMasses()
    {
        Assert.Equal(0.0, new Binomial(4, 0).LogDensity(0));
        Assert.Equal(0.0, new Binomial(4, 1).LogDensity(4));
        Assert.Equal(double.NegativeInfinity, new Binomial(4, 1).LogDensity(3));
        Assert.Equal(0.0, new Poisson(0).LogDensity(0));
        Assert.Equal(0, new Poisson(0).Sample(new Rng(1)));
        Assert.Equal(0.0, new Geometric(1).LogDensity(0));
        Assert.Equal(0, new NegativeBinomial(3, 1).Sample(new Rng(1)));
    }

    [Fact]
    public void CategoricalFromLogWeightsNormalises()
    {
        var d = Categorical.FromLogWeights([Math.Log(2), Math.Log(6), 1000 + Math.Log(0) ]);
        Assert.Null(d.ParameterError);
        Assert.Equal(0.25, Math.Exp(d.LogDensity(0)), 12);
        Assert.Equal(0.75, Math.Exp(d.LogDensity(1)), 12);
        Assert.Equal(double.NegativeInfinity, d.LogDensity(2));
        var big = Categorical.FromLogWeights([1000.0, 1000.0]);
        Assert.Equal(0.5, Math.Exp(big.LogDensity(1)), 12);
    }
}
