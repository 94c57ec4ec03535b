using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Amortized.Programs;

/// <summary>Conjugate [Model]s whose observations are Sample sites, so a Distribution Transformer can be trained by simulating them and inference constrains them.</summary>
public static partial class ProgramModels
{
    public const double A0 = 3, B0 = 2, M0 = 0, K0 = 1;

    /// <summary>The normal–inverse-gamma model: σ² ~ InvGamma(3, 2), μ | σ² ~ N(0, σ²/1), yᵢ ~ N(μ, σ²), i &lt; n.</summary>
    [Model]
    public static double NormalInverseGamma(int n)
    {
        var sigma2 = Sample(InverseGamma(A0, B0), "sigma2");
        var mu = Sample(Normal(M0, Math.Sqrt(sigma2 / K0)), "mu");
        // Observations are Sample sites (kept with _ =): training simulates them, inference constrains them.
        for (var i = 0; i < n; i++) _ = Sample(Normal(mu, Math.Sqrt(sigma2)), "y", i);
        return mu;
    }

    /// <summary>The exact posterior and evidence of <see cref="NormalInverseGamma"/> for data <paramref name="y"/>.</summary>
    public static (double LogEvidence, double MeanMu, double MeanSigma2) NormalInverseGammaExact(double[] y)
    {
        var n = y.Length;
        var ybar = y.Average();
        var kn = K0 + n;
        var an = A0 + 0.5 * n;
        var bn = B0 + 0.5 * y.Sum(v => (v - ybar) * (v - ybar)) + K0 * n * (ybar - M0) * (ybar - M0) / (2 * kn);
        var logZ = LogGamma(an) - LogGamma(A0) + A0 * Math.Log(B0) - an * Math.Log(bn) + 0.5 * Math.Log(K0 / kn) - 0.5 * n * Math.Log(2 * Math.PI);
        return (logZ, (K0 * M0 + n * ybar) / kn, bn / (an - 1));
    }

    private static double LogGamma(double x) => Ppl.Autodiff.RealMath.LogGamma(x);
}
