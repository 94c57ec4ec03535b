using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Amortized.Mixtures;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized;

/// <summary>
/// The KL figures the dt-invgamma example reports, checked against numerical integration: the Monte Carlo
/// estimate of KL(exact ‖ q) on y = log σ² (exact draws, exact log density, mixture log density) and the
/// closed-form KL of the moment-matched Gaussian.
/// </summary>
public class KlEvaluationTests
{
    static KlEvaluationTests() => set_num_threads(1);

    private static Tensor T(double[] v) => tensor(v, ScalarType.Float64);

    /// <summary>∫ p log(p / q) dy by a Riemann sum on a fine grid where p is negligible at the ends.</summary>
    private static double Quadrature(Tensor logP, Tensor logQ, double dy) => (logP.exp() * (logP - logQ)).sum().item<double>() * dy;

    private static (Tensor Y, double Dy) Grid(double lo, double hi, int n = 400_001) =>
        (linspace(lo, hi, n, dtype: ScalarType.Float64).unsqueeze(1), (hi - lo) / (n - 1));

    [Fact]
    public void MonteCarloKlOfAMixtureMatchesQuadrature_AndDroppingTheJacobianDoesNot()
    {
        var exact = new InverseGamma(T([5.7]), T([2.3]));
        var q = new GmmTensors(T([0.6, 0.4]).log().reshape(1, 2), T([-1.3, -0.7]).reshape(1, 2, 1), T([0.35, 0.5]).reshape(1, 2, 1, 1));
        var (y, dy) = Grid(-12, 8);
        var logPGrid = InverseGammaConjugate.LogDensityOfLog(exact, y.squeeze(-1));
        Assert.Equal(1.0, logPGrid.exp().sum().item<double>() * dy, 6);
        var klQuad = Quadrature(logPGrid, q.LogProb(y), dy);

        // The example's estimator: 10⁴ exact draws of y, log p − log q averaged.
        var ys = InverseGammaConjugate.SampleLog(exact, new Rng(3), [10_000]); // [S, 1]
        var terms = InverseGammaConjugate.LogDensityOfLog(exact, ys) - q.LogProb(ys.unsqueeze(-1));
        var mc = terms.mean().item<double>();
        var se = terms.std().item<double>() / 100.0;
        Assert.True(klQuad > 0.02, $"the pair is too close to tell estimators apart: {klQuad}");
        Assert.True(Math.Abs(mc - klQuad) < 5 * se, $"MC {mc} ± {se} vs quadrature {klQuad}");

        // Negative control: the density of σ² evaluated at eʸ without the Jacobian eʸ is not the density of y.
        var wrong = exact.LogProb(ys.exp()) - q.LogProb(ys.unsqueeze(-1));
        Assert.True(Math.Abs(wrong.mean().item<double>() - klQuad) > 5 * se, "an estimator without the Jacobian agreed with quadrature");
    }

    [Theory]
    [InlineData(5.05, 0.01)]
    [InlineData(6.3, 2.0)]
    [InlineData(12.0, 40.0)]
    public void MomentMatchedGaussianKlMatchesQuadrature(double alpha, double beta)
    {
        var d = new InverseGamma(T([alpha]), T([beta]));
        var (m, v) = InverseGammaConjugate.MomentsOfLog(d);
        var mean = m.item<double>();
        var sd = Math.Sqrt(v.item<double>());
        var (y, dy) = Grid(mean - 30 * sd, mean + 30 * sd);
        var yy = y.squeeze(-1);
        var logP = InverseGammaConjugate.LogDensityOfLog(d, yy);
        // The moments themselves, by quadrature.
        var p = logP.exp();
        Assert.Equal(mean, (p * yy).sum().item<double>() * dy, 6);
        Assert.Equal(sd * sd, (p * yy.Minus(mean).Squared()).sum().item<double>() * dy, 6);
        double GaussKl(double mu) => Quadrature(logP, yy.Minus(mu).Over(sd).Squared().Times(-0.5).Minus(Math.Log(sd)).Minus(0.5 * Math.Log(2 * Math.PI)), dy);
        var closed = InverseGammaConjugate.MomentMatchedGaussianKlOfLog(d).item<double>();
        Assert.Equal(GaussKl(mean), closed, 6);
        // Negative control: a Gaussian shifted by a tenth of a standard deviation is worse by about 0.005.
        Assert.True(GaussKl(mean + 0.1 * sd) > closed + 0.004);
    }
}
