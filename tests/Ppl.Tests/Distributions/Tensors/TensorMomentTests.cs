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
    public void FamiliesWithAScalarCounterpart()
    {
        // ν = 5 has a variance but too heavy a tail for the variance's own SE; ν = 30 checks the variance.
        CheckMoments(new HalfStudentT(T(5.0, 12.0), T(0.5, 2.0)), checkVariance: false);
        CheckMoments(new HalfStudentT(T(30.0), T(1.5)));
        CheckMoments(new SkewNormal(T(0.5, -1.0, 2.0), T(1.0, 2.0, 0.3), T(3.0, -0.7, 0.0)));
        CheckMoments(new DiscreteUniform(T(-2.0, 3.0, 0.0), T(4.0, 3.0, 1.0)));
        // The closed forms agree with the scalar families' (the brief's 2σ√ν Γ((ν+1)/2)/(√π (ν−1) Γ(ν/2)) among them).
        var h = new HalfStudentT(T(1.5, 3.0, 400.0), T(0.7, 2.0, 1.0));
        var hm = D(h.Mean);
        var hv = D(h.Variance);
        double[] nus = [1.5, 3.0, 400.0], sgs = [0.7, 2.0, 1.0];
        for (var i = 0; i < 3; i++)
        {
            var s = new Ppl.Distributions.HalfStudentT(nus[i], sgs[i]);
            var m = 2 * sgs[i] * Math.Sqrt(nus[i]) * Math.Exp(MathNet.Numerics.SpecialFunctions.GammaLn((nus[i] + 1) / 2) - MathNet.Numerics.SpecialFunctions.GammaLn(nus[i] / 2))
                    / (Math.Sqrt(Math.PI) * (nus[i] - 1));
            Close(m, hm[i], 1e-10, 1e-12, "half-t mean");
            Close(s.Mean, hm[i], 1e-10, 1e-12, "half-t mean vs scalar");
            if (double.IsPositiveInfinity(s.Variance)) Assert.True(double.IsPositiveInfinity(hv[i]));
            else Close(s.Variance, hv[i], 1e-8, 1e-12, "half-t variance vs scalar");
        }
        Assert.True(double.IsPositiveInfinity(D(new HalfStudentT(T(0.8), T(1.0)).Mean)[0]));
    }

    [Fact]
    public void TruncatedNormal()
    {
        var inf = double.PositiveInfinity;
        // Two-sided, lower-only, upper-only, upper half, and an interval 8 to 12 standard deviations out.
        CheckMoments(new Truncated<Normal>(new Normal(T(0.5, -1.0, 2.0, 0.0, 0.0), T(1.0, 2.0, 0.5, 1.0, 1.0)),
            T(-inf, -2.0, -inf, 1.5, 8.0), T(1.0, inf, 1.8, 2.5, 12.0)));
        // With no bound it is the normal itself.
        var free = new Truncated<Normal>(new Normal(T(0.5), T(2.0)), T(-inf), T(inf));
        Close(0.5, D(free.Mean)[0], 1e-12, 1e-12, "untruncated mean");
        Close(4.0, D(free.Variance)[0], 1e-12, 1e-12, "untruncated variance");
        Close(0.0, D(free.LogProb(T(0.7)) - new Normal(T(0.5), T(2.0)).LogProb(T(0.7)))[0], 0, 1e-14, "untruncated density");
    }

    [Fact]
    public void UnitVectorAndVonMisesFisher()
    {
        CheckMoments(new UnitVector(4, [2], ScalarType.Float64));
        var s = Math.Sqrt(0.5);
        // Mean Aₙ(κ)μ and the coordinates' variances, in three and four dimensions, small and large κ.
        CheckMoments(new VonMisesFisher(T(new[] { s, s, 0.0, 0.0, 0.6, -0.8 }, [2, 3]), T(0.5, 10.0)));
        CheckMoments(new VonMisesFisher(T(new[] { 0.5, -0.5, 0.5, 0.5, 1.0, 0.0, 0.0, 0.0 }, [2, 4]), T(2.0, 300.0)));
    }

    [Fact]
    public void WishartFamily()
    {
        CheckMoments(new Wishart(T(3.5, 9.0), T(new[] { 1.0, 0.0, 0.5, 0.8, 0.7, 0.0, -0.3, 1.2 }, [2, 2, 2])));
        // ν well above n + 3 so that the fourth moments the variance check needs exist.
        CheckMoments(new InverseWishart(T(14.0, 20.0), T(new[] { 1.0, 0.0, 0.5, 0.8, 0.7, 0.0, -0.3, 1.2 }, [2, 2, 2])));
    }

    [Fact]
    public void VonMisesHasCircularMeanMuAndMeanResultantLengthI1OverI0()
    {
        double[] mu = [0.5, -2.0, 3.0, 0.0], kappa = [0.3, 2.0, 50.0, 0.001];
        var d = new VonMises(T(mu), T(kappa));
        var x = d.Sample(new Rng(33), [N]);
        Assert.Equal(new long[] { N, 4 }, x.shape);
        var centred = x - T(mu);
        // Draws fall in the window [μ − π, μ + π].
        Assert.True(centred.abs().max().item<double>() <= Math.PI + 1e-12);
        var cos = centred.cos();
        var sin = centred.sin();
        var mc = D(cos.mean([0]));
        var ms = D(sin.mean([0]));
        var vc = D(cos.var(0));
        var vs = D(sin.var(0));
        var circVar = D(d.Variance);
        for (var i = 0; i < 4; i++)
        {
            // E[cos(x − μ)] = I₁(κ)/I₀(κ) and E[sin(x − μ)] = 0: together, circular mean μ and that mean resultant length.
            var a = MathNet.Numerics.SpecialFunctions.BesselI1(kappa[i]) / MathNet.Numerics.SpecialFunctions.BesselI0(kappa[i]);
            Assert.True(Math.Abs(mc[i] - a) <= 5 * Math.Sqrt(vc[i] / N), $"E cos [{i}]: {mc[i]} vs {a}");
            Assert.True(Math.Abs(ms[i]) <= 5 * Math.Sqrt(vs[i] / N), $"E sin [{i}]: {ms[i]}");
            Close(1 - a, circVar[i], 1e-12, 1e-14, "circular variance");
        }
        Assert.Equal(mu, D(d.Mean));
        // A float32 batch samples in float32.
        Assert.Equal(ScalarType.Float32, new VonMises(tensor(0f), tensor(4f)).Sample(new Rng(2), [3]).dtype);
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
