using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Amortized.Operators;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized;

public class ExactUpdateTests
{
    static ExactUpdateTests() => set_num_threads(1);

    private static Tensor T(double[] v) => tensor(v, ScalarType.Float64);

    private static Gmm Prior1D() => new(T([0.2, 0.5, 0.3]), T([-2.0, 0.5, 3.0]).reshape(3, 1), T([0.7, 1.2, 0.5]).reshape(3, 1, 1));

    /// <summary>Trapezoid-free Riemann sums on a fine uniform grid: the integrands are smooth and negligible at the ends.</summary>
    private static (double LogZ, double Mean, double Var, double[] Grid, double[] Density) BruteForce1D(Gmm prior, double h, double r, double[] zs)
    {
        const int n = 200_001;
        const double lo = -15, hi = 15;
        var dx = (hi - lo) / (n - 1);
        var grid = Enumerable.Range(0, n).Select(i => lo + i * dx).ToArray();
        var x = T(grid).reshape(n, 1);
        var logPrior = prior.LogProb(x).data<double>().ToArray();
        var un = new double[n];
        for (var i = 0; i < n; i++)
        {
            var l = logPrior[i];
            foreach (var z in zs) l += -0.5 * Math.Pow((z - h * grid[i]) / r, 2) - Math.Log(r) - 0.5 * Math.Log(2 * Math.PI);
            un[i] = Math.Exp(l);
        }
        var zsum = un.Sum() * dx;
        var mean = grid.Zip(un, (a, b) => a * b).Sum() * dx / zsum;
        var v = grid.Zip(un, (a, b) => (a - mean) * (a - mean) * b).Sum() * dx / zsum;
        return (Math.Log(zsum), mean, v, grid, un.Select(u => u / zsum).ToArray());
    }

    [Theory]
    [InlineData(new[] { 1.3 }, 1.0, 0.8)]
    [InlineData(new[] { -2.5, -1.0, 0.4 }, 0.7, 1.5)]
    public void GmmUpdateMatchesNumericalIntegration(double[] zs, double h, double r)
    {
        var prior = Prior1D();
        var exact = GmmKalman.Update(prior, LinearGaussianObservation.Scalar(h, r), T(zs).reshape(zs.Length, 1));
        var (logZ, mean, variance, grid, density) = BruteForce1D(prior, h, r, zs);
        Assert.Equal(logZ, exact.LogEvidence.item<double>(), 8);
        Assert.Equal(mean, exact.Posterior.Mean.item<double>(), 8);
        Assert.Equal(variance, exact.Posterior.Variance.item<double>(), 7);
        // The density itself, pointwise, at a spread of grid points.
        var idx = new[] { 80_000, 95_000, 100_000, 105_000, 110_000, 120_000 };
        var lp = exact.Posterior.LogProb(T(idx.Select(i => grid[i]).ToArray()).reshape(idx.Length, 1)).data<double>().ToArray();
        for (var j = 0; j < idx.Length; j++) Assert.Equal(Math.Log(density[idx[j]]), lp[j], 6);
    }

    [Fact]
    public void TwoDimensionalUpdateMatchesNumericalIntegration()
    {
        var w = T([0.6, 0.4]);
        var mu = T([0.0, 1.0, 2.0, -1.0]).reshape(2, 2);
        var l = T([1.0, 0, 0.5, 0.8, 0.6, 0, -0.3, 1.1]).reshape(2, 2, 2);
        var prior = new Gmm(w, mu, l);
        var obs = new LinearGaussianObservation(T([1.0, 0.5]).reshape(1, 2), T([0.3]).reshape(1, 1));
        var z = T([1.7]).reshape(1);
        var exact = GmmKalman.Update(prior, obs, z);
        const int n = 801;
        const double lo = -8, hi = 8;
        var dx = (hi - lo) / (n - 1);
        var g = linspace(lo, hi, n, dtype: ScalarType.Float64);
        var xs = stack([g.unsqueeze(1).expand(n, n), g.unsqueeze(0).expand(n, n)], -1); // [n, n, 2]
        var hx = xs[.., .., 0].Plus(xs[.., .., 1].Times(0.5));
        var logU = prior.LogProb(xs).Plus(hx.SubtractedFrom(1.7).Squared().Times(-0.5).Over(0.3).Minus(0.5 * Math.Log(2 * Math.PI * 0.3)));
        var u = logU.exp();
        var zsum = u.sum().item<double>() * dx * dx;
        var m0 = (u * xs[.., .., 0]).sum().item<double>() * dx * dx / zsum;
        var m1 = (u * xs[.., .., 1]).sum().item<double>() * dx * dx / zsum;
        var c01 = (u * xs[.., .., 0].Minus(m0) * xs[.., .., 1].Minus(m1)).sum().item<double>() * dx * dx / zsum;
        Assert.Equal(Math.Log(zsum), exact.LogEvidence.item<double>(), 6);
        var mean = exact.Posterior.Mean.data<double>().ToArray();
        Assert.Equal(m0, mean[0], 6);
        Assert.Equal(m1, mean[1], 6);
        Assert.Equal(c01, exact.Posterior.Covariance[0, 1].item<double>(), 6);
    }

    [Fact]
    public void PredictPushesEveryComponentThroughTheDynamics()
    {
        var prior = Prior1D();
        var dyn = new LinearGaussianDynamics(T([0.9]).reshape(1, 1), T([0.25]).reshape(1, 1));
        var p = GmmKalman.Predict(prior, dyn);
        Assert.Equal(0.9 * prior.Mean.item<double>(), p.Mean.item<double>(), 12);
        var sd = p.ScaleTrils.flatten().data<double>().ToArray();
        var sd0 = prior.ScaleTrils.flatten().data<double>().ToArray();
        for (var k = 0; k < 3; k++) Assert.Equal(Math.Sqrt(0.81 * sd0[k] * sd0[k] + 0.25), sd[k], 12);
    }

    [Fact]
    public void InverseGammaConjugacyMatchesNumericalIntegrationOnLogScale()
    {
        var prior = new InverseGamma(T([2.5]), T([1.5]));
        var z = T([0.3, -1.2, 0.8, 2.0]).reshape(1, 4);
        var post = InverseGammaConjugate.Update(prior, z);
        Assert.Equal(4.5, post.Alpha.item<double>(), 12);
        var y = linspace(-10, 10, 100_001, dtype: ScalarType.Float64).unsqueeze(1);
        var dy = 20.0 / 100_000;
        // Unnormalised posterior on y = log σ²: prior density on y times the normal likelihood.
        var logU = InverseGammaConjugate.LogDensityOfLog(prior, y).Plus((z.Squared().sum().Times(-0.5) * (-y).exp() - y.Times(2)).Minus(2 * Math.Log(2 * Math.PI)));
        var u = logU.exp();
        Assert.Equal(InverseGammaConjugate.LogEvidence(prior, z).item<double>(), Math.Log(u.sum().item<double>() * dy), 7);
        var exactLog = InverseGammaConjugate.LogDensityOfLog(post, y);
        Assert.Equal(1.0, exactLog.exp().sum().item<double>() * dy, 7);
        var maxErr = (exactLog - logU.Minus(Math.Log(u.sum().item<double>() * dy))).abs().masked_select(exactLog.Gt(-20)).max().item<double>();
        Assert.True(maxErr < 1e-6, $"max log-density error {maxErr}");
    }

    [Fact]
    public void ParticleOperatorAgreesWithTheExactUpdate_AndAFitThatIgnoresWeightsDoesNot()
    {
        var prior = Prior1D().Expand([4]);
        var zs = T([1.3, -1.0, 2.5, 0.0]).reshape(4, 1, 1);
        var exact = new GmmKalmanOperator(LinearGaussianObservation.Scalar(1.0, 0.8)).Update((Gmm)prior, zs);
        var op = new ParticleOperator<Tensor>((x, z) => (z.squeeze(-1).squeeze(-1) - x.squeeze(-1)).Over(0.8).Squared().Times(-0.5), 5_000, 3, new Rng(3));
        var (x, logW) = op.Weighted(prior, zs);
        var fitted = WeightedGmmFit.Fit(x, logW, 3, new Rng(4));
        var unweighted = WeightedGmmFit.Fit(x, zeros_like(logW), 3, new Rng(4));
                var em = exact.Mean.squeeze(-1);
        var sd = exact.Variance.squeeze(-1).sqrt();
        var ess = (logW.logsumexp(0).Times(2) - logW.Times(2).logsumexp(0)).exp();
        // The fitted mixture's mean is the weighted particle mean: standard error ≈ sd / sqrt(ESS).
        var z = ((fitted.Mean.squeeze(-1) - em) / (sd / ess.sqrt())).abs().max().item<double>();
        Assert.True(z < 5, $"max |z| {z}: fitted {string.Join(",", fitted.Mean.to_type(ScalarType.Float64).data<double>().ToArray())} exact {string.Join(",", em.to_type(ScalarType.Float64).data<double>().ToArray())} sd {string.Join(",", sd.to_type(ScalarType.Float64).data<double>().ToArray())} ess {string.Join(",", ess.to_type(ScalarType.Float64).data<double>().ToArray())}");
        var zBad = ((unweighted.Mean.squeeze(-1) - em) / (sd / ess.sqrt())).abs().max().item<double>();
        Assert.True(zBad > 5, $"the negative control passed: {zBad}");
        var varRatio = (fitted.Variance.squeeze(-1) / exact.Variance.squeeze(-1)).data<double>().ToArray();
        Assert.All(varRatio, v => Assert.InRange(v, 0.9, 1.1));
    }

    [Fact]
    public void FilterWithTheExactOperatorIsTheKalmanFilterForOneComponent()
    {
        var prior = new Gmm(T([1.0]), T([0.0]).reshape(1, 1), T([2.0]).reshape(1, 1, 1));
        var dyn = new LinearGaussianDynamics(T([0.95]).reshape(1, 1), T([0.3]).reshape(1, 1));
        var filter = new GmmFilter<Tensor>(dyn, new GmmKalmanOperator(LinearGaussianObservation.Scalar(1.0, 0.5)));
        var zs = new[] { 0.4, 1.1, 0.7, -0.2 };
        var out_ = filter.Run(prior, zs.Select(z => T([z]).reshape(1, 1)));
        double m = 0, v = 4;
        for (var t = 0; t < zs.Length; t++)
        {
            if (t > 0) { m *= 0.95; v = 0.95 * 0.95 * v + 0.3; }
            var k = v / (v + 0.25);
            m += k * (zs[t] - m);
            v *= 1 - k;
            Assert.Equal(m, out_[t].Mean.item<double>(), 10);
            Assert.Equal(v, out_[t].Variance.item<double>(), 10);
        }
    }
}
