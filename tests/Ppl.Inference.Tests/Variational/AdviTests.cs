using MathNet.Numerics.LinearAlgebra;
using Ppl.Inference.Variational;
using Xunit;
using MN = MathNet.Numerics.Distributions;
using DM = Ppl.Inference.Tests.Mcmc.Differentiable.DifferentiableModels;
using VM = Ppl.Inference.Tests.Mcmc.Differentiable.VectorFamilyModels;

namespace Ppl.Inference.Tests.Variational;

/// <summary>
/// ADVI on [Model] methods over doubles, against exact answers: on Gaussian posteriors the full-rank optimum is the
/// posterior itself and the mean-field optimum has the posterior mean with variances 1/Λₖₖ (Λ the posterior precision),
/// and the ELBO at the optimum of an exact family is log p(y). The tolerances on the fitted parameters are those of a
/// stochastic optimisation's last iterate (a few hundredths to a tenth of a posterior standard deviation), not Monte Carlo
/// standard errors; each check has a negative control that is several times outside them.
/// </summary>
public class AdviTests
{
    private static readonly double[] Data = [0.3, -1.2, 2.5, 0.8];

    private static ChoiceMap Observations(double[] ys)
    {
        var obs = ChoiceMap.Empty;
        for (var i = 0; i < ys.Length; i++) obs = obs.Set(new Address("y", i), ys[i]);
        return obs;
    }

    [Fact]
    public void Mean_field_on_a_conjugate_normal_reaches_the_posterior_and_the_evidence()
    {
        const double m0 = 0.5, s0 = 2.0, sigma = 1.3;
        var precision = 1 / (s0 * s0) + Data.Length / (sigma * sigma);
        var mean = (m0 / (s0 * s0) + Data.Sum() / (sigma * sigma)) / precision;
        // log p(y) = log p(y | μ) + log p(μ) − log p(μ | y) at any μ (here the posterior mean).
        var logZ = Data.Sum(y => MN.Normal.PDFLn(mean, sigma, y)) + MN.Normal.PDFLn(m0, s0, mean) - MN.Normal.PDFLn(mean, Math.Sqrt(1 / precision), mean);
        var fit = Advi.Fit(DM.NormalMeanModel, (Data, m0, s0, sigma), Observations(Data),
            new AdviSettings { Steps = 3000, GradientSamples = 10, ElboSamples = 4000, ElboEvery = 3000 }, new Rng(11));
        var sd = Math.Sqrt(1 / precision);
        Assert.InRange(fit.Mean[0], mean - 0.05 * sd, mean + 0.05 * sd);
        Assert.InRange(fit.Cholesky[0, 0], 0.95 * sd, 1.05 * sd);
        // At the optimum q is the posterior and the ELBO is log p(y): within 4 standard errors of its Monte Carlo part, less
        // the small gap the last iterate leaves (½(Δμ/σ)² + …, below 0.01 at these tolerances).
        var se = fit.Elbos[^1].Se;
        Assert.InRange(fit.Elbo, logZ - 0.01 - 4 * se, logZ + 4 * se);
        // Negative control: the same fit against shifted data is far from this posterior.
        var shifted = Data.Select(y => y + 2).ToArray();
        var wrong = Advi.Fit(DM.NormalMeanModel, (shifted, m0, s0, sigma), Observations(shifted),
            new AdviSettings { Steps = 3000, GradientSamples = 10, ElboEvery = 3000 }, new Rng(11));
        Assert.True(Math.Abs(wrong.Mean[0] - mean) > 10 * sd * 0.05);
        // Draws are on the constrained scale, named by address.
        var draws = fit.ToResult(4000, new Rng(2));
        Assert.Equal(["mu"], draws.Names);
        var m = draws.Draws[0].Average(x => x[0]);
        Assert.InRange(m, mean - 5 * sd / Math.Sqrt(4000) - 0.05 * sd, mean + 5 * sd / Math.Sqrt(4000) + 0.05 * sd);
    }

    private static (double[][] X, double[] Y) RegressionData()
    {
        var rng = new Rng(7);
        var x = Enumerable.Range(0, 30).Select(_ => new[] { rng.NextGaussian() + 1.0, rng.NextGaussian() }).ToArray();
        var y = x.Select(r => 0.5 + 1.5 * r[0] - 0.7 * r[1] + 0.8 * rng.NextGaussian()).ToArray();
        return (x, y);
    }

    /// <summary>The exact posterior of the conjugate regression: mean and precision of (α, β₀, β₁).</summary>
    private static (Vector<double> Mean, Matrix<double> Precision) Posterior(double[][] x, double[] y, double s0, double sigma)
    {
        var z = Matrix<double>.Build.Dense(x.Length, 3, (i, j) => j == 0 ? 1.0 : x[i][j - 1]);
        var precision = Matrix<double>.Build.DenseIdentity(3) / (s0 * s0) + z.TransposeThisAndMultiply(z) / (sigma * sigma);
        return (precision.Inverse() * z.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(y)) / (sigma * sigma), precision);
    }

    [Fact]
    public void Full_rank_recovers_a_correlated_posterior_and_mean_field_its_known_optimum()
    {
        const double s0 = 2.0, sigma = 0.8;
        var (x, y) = RegressionData();
        var (mean, precision) = Posterior(x, y, s0, sigma);
        var cov = precision.Inverse();
        var settings = new AdviSettings { Steps = 6000, GradientSamples = 10, ElboEvery = 6000, Eta = 1.0 };
        var full = Advi.Fit(VM.RegressionModel, (x, y, s0, sigma), ChoiceMap.Empty, settings with { FullRank = true }, new Rng(13));
        var l = Matrix<double>.Build.Dense(3, 3, (i, j) => full.Cholesky[i, j]);
        var fitted = l * l.Transpose();
        for (var i = 0; i < 3; i++)
        {
            var sd = Math.Sqrt(cov[i, i]);
            Assert.InRange(full.Mean[i], mean[i] - 0.1 * sd, mean[i] + 0.1 * sd);
            for (var j = 0; j <= i; j++)
                Assert.True(Math.Abs(fitted[i, j] - cov[i, j]) < 0.15 * Math.Sqrt(cov[i, i] * cov[j, j]), $"cov[{i},{j}] {fitted[i, j]} vs {cov[i, j]}");
        }
        // Mean-field on a Gaussian: the posterior mean and variances 1/Λₖₖ, smaller than the marginal variances Σₖₖ.
        var mf = Advi.Fit(VM.RegressionModel, (x, y, s0, sigma), ChoiceMap.Empty, settings, new Rng(14));
        for (var i = 0; i < 3; i++)
        {
            var sd = Math.Sqrt(1 / precision[i, i]);
            Assert.InRange(mf.Mean[i], mean[i] - 0.1 * sd, mean[i] + 0.1 * sd);
            Assert.InRange(mf.Cholesky[i, i], 0.85 * sd, 1.15 * sd);
        }
        // Negative control: the correlated intercept's marginal sd is clearly above the mean-field one (so the full-rank
        // check above could not pass with a diagonal factor).
        Assert.True(Math.Sqrt(cov[0, 0]) > 1.3 * mf.Cholesky[0, 0], $"marginal sd {Math.Sqrt(cov[0, 0])}, mean-field {mf.Cholesky[0, 0]}");
    }

    [Fact]
    public void A_fit_reports_progress_and_stops_when_cancelled()
    {
        using var cts = new CancellationTokenSource();
        var reports = new List<int>();
        var progress = new SyncProgress<(int Step, double Elbo)>(p =>
        {
            reports.Add(p.Step);
            if (p.Step >= 200) cts.Cancel();
        });
        var fit = Advi.Fit(DM.NormalMeanModel, (Data, 0.5, 2.0, 1.3), Observations(Data),
            new AdviSettings { Steps = 100_000, ElboEvery = 50, Progress = progress, CancellationToken = cts.Token }, new Rng(5));
        Assert.Equal([50, 100, 150, 200], reports);
        Assert.Equal(200, fit.Steps);
        Assert.Throws<ArgumentException>(() => Advi.Fit(DM.NormalMeanModel, (Data, 0.5, 2.0, 1.3), Observations(Data),
            new AdviSettings { InitialMean = [0.0, 1.0] }, new Rng(5)));
    }
}
