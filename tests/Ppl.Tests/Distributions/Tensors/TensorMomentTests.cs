using Ppl.Distributions.Tensors;
using Xunit;
using static Ppl.Tests.Distributions.Tensors.TensorTestUtil;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Tensors;

/// <summary>Sample means and variances within 5 standard errors of Mean and Variance.</summary>
public class TensorMomentTests
{
    private const int N = 20000;

    public TensorMomentTests() => Init();

    private static void CheckMoments(TensorDistribution d, ulong seed = 21, bool checkVariance = true)
    {
        var x = d.Sample(new Rng(seed), [N]).to_type(ScalarType.Float64);
        var m = D(d.Mean);
        var v = D(d.Variance);
        var sm = D(x.mean([0]));
        var sv = D(x.var(0));
        var centred = x - x.mean([0]);
        var m4 = D(centred.Pow(4).mean([0]));
        for (var i = 0; i < m.Length; i++)
        {
            var se = Math.Sqrt(v[i] / N);
            Assert.True(Math.Abs(sm[i] - m[i]) <= 5 * se + 1e-12, $"{d.Family} mean[{i}]: {sm[i]} vs {m[i]} (se {se})");
            if (!checkVariance) continue;
            var seV = Math.Sqrt(Math.Max(m4[i] - sv[i] * sv[i], 0) / N);
            Assert.True(Math.Abs(sv[i] - v[i]) <= 5 * seV + 1e-12, $"{d.Family} var[{i}]: {sv[i]} vs {v[i]} (se {seV})");
        }
    }

    [Fact]
    public void ContinuousFamilies()
    {
        CheckMoments(new Normal(T(-1.0, 2.0), T(0.5, 3.0)));
        CheckMoments(new HalfNormal(T(0.5, 3.0)));
        CheckMoments(new LogNormal(T(-1.0, 0.5), T(0.3, 0.6)));
        CheckMoments(new StudentT(T(5.0, 12.0), T(1.0, -2.0), T(0.5, 2.0)), checkVariance: false);
        CheckMoments(new Laplace(T(1.0, -2.0), T(0.5, 2.0)));
        CheckMoments(new Exponential(T(0.5, 3.0)));
        CheckMoments(new Gamma(T(0.3, 4.0), T(2.0, 0.5)));
        CheckMoments(new InverseGamma(T(5.0, 9.0), T(2.0, 0.5)));
        CheckMoments(new Beta(T(0.4, 3.0), T(2.0, 0.7)));
        CheckMoments(new Uniform(T(-1.0, 2.0), T(0.0, 5.0)));
        CheckMoments(new Dirichlet(T(new[] { 0.5, 1.5, 3.0 }, [1, 3])));
        CheckMoments(new MvNormal(T(new[] { 1.0, -1.0 }, [2]), T(new[] { 1.0, 0.0, 0.5, 0.8 }, [2, 2])));
        CheckMoments(new Gmm(T(0.3, 0.7), T(new[] { -1.0, 0.0, 2.0, 1.0 }, [2, 2]), T(new[] { 1.0, 0, 0.2, 0.5, 0.7, 0, -0.3, 1.2 }, [2, 2, 2])));
        CheckMoments(new Mixture(new Categorical(probs: T(0.25, 0.75)), new Normal(T(-2.0, 3.0), T(1.0, 0.5))));
    }

    [Fact]
    public void StudentTStudentScaleMatchesSampleQuantile()
    {
        // Heavy tails make the variance estimate's own SE unreliable; check the median absolute deviation instead.
        var d = new StudentT(T(3.0), T(0.0), T(2.0));
        var x = D(d.Sample(new Rng(5), [N]));
        var frac = x.Count(v => Math.Abs(v) <= 2 * MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, 3, 0.75)) / (double)N;
        Assert.True(Math.Abs(frac - 0.5) < 5 * Math.Sqrt(0.25 / N), $"{frac}");
    }

    [Fact]
    public void DiscreteFamilies()
    {
        CheckMoments(new Bernoulli(probs: T(0.2, 0.9)));
        CheckMoments(new Bernoulli(logits: T(-1.0, 2.0)));
        CheckMoments(new Binomial(T(10.0, 3.0), probs: T(0.3, 0.8)));
        CheckMoments(new Poisson(T(0.7, 12.0)));
        CheckMoments(new NegativeBinomial(T(2.5, 7.0), probs: T(0.3, 0.6)));
        CheckMoments(new Geometric(T(0.2, 0.7)));
        CheckMoments(new Categorical(probs: T(new[] { 0.1, 0.2, 0.7, 0.5, 0.25, 0.25 }, [2, 3])));
        CheckMoments(new Multinomial(9, T(0.2, 0.3, 0.5)));
    }

    [Fact]
    public void LkjCholeskySamplesHaveUnitRowsAndTheRightCorrelationSpread()
    {
        // For LKJ(η) in D dimensions each off-diagonal correlation is Beta(η − 1 + D/2, same) on (−1, 1),
        // so Var(ρ) = 1/(2η + D − 1).
        const double eta = 1.5;
        var d = new LkjCholesky(4, T(eta));
        var l = d.Sample(new Rng(31), [N]);
        Assert.True(l.Squared().sum(-1).Minus(1).abs().max().item<double>() < 1e-10);
        var c = l.matmul(l.transpose(-1, -2));
        var rho = D(c[TensorIndex.Colon, 0, 3, 1]);
        var v = rho.Select(r => r * r).Average();
        var expected = 1 / (2 * eta + 4 - 1);
        var se = Math.Sqrt((rho.Select(r => r * r * r * r).Average() - v * v) / N);
        Assert.True(Math.Abs(v - expected) < 5 * se, $"{v} vs {expected} ± {se}");
    }
}
