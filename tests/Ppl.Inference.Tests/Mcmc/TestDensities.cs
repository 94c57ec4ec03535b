using Ppl.Autodiff;
using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Tests.Mcmc;

/// <summary>Targets with exact answers, written over <see cref="Real"/>.</summary>
internal static class TestDensities
{
    /// <summary>Conjugate normal: μ ~ N(0, 1), y ~ N(μ, 1) for the data of <see cref="ConjugateNormal"/>.</summary>
    public static readonly AutodiffDensity Conjugate = new(1, x =>
    {
        var lp = RealDensity.Normal(x[0], 0, 1);
        foreach (var y in ConjugateNormal.Data) lp += RealDensity.Normal(y, x[0], 1);
        return lp;
    });

    /// <summary>A correlated 2-D Gaussian: means (1, −2), sds (1, 3), correlation 0.9.</summary>
    public static readonly double[] CorrMean = [1, -2];

    public static readonly double[] CorrSd = [1, 3];

    public const double Rho = 0.9;

    public static readonly AutodiffDensity Correlated = new(2, x =>
    {
        var a = (x[0] - CorrMean[0]) / CorrSd[0];
        var b = (x[1] - CorrMean[1]) / CorrSd[1];
        return -(a * a - 2 * Rho * a * b + b * b) / (2 * (1 - Rho * Rho));
    });

    /// <summary>A mild funnel: v ~ N(0, 1), x | v ~ N(0, exp(v/2)); E x² = E eᵛ = e^½.</summary>
    public static readonly AutodiffDensity Funnel = new(2, x => RealDensity.Normal(x[0], 0, 1) + RealDensity.Normal(x[1], 0, RealMath.Exp(0.5 * x[0])));
}
