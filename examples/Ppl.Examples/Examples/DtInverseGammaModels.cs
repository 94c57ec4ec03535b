using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Examples;

/// <summary>
/// The inverse-gamma task of dt-invgamma as [Model] methods: the model itself (its prior's parameters are its
/// arguments, its observations Sample sites that training simulates and inference constrains) and the
/// meta-prior over those parameters.
/// </summary>
public static partial class DtInverseGammaModels
{
    /// <summary>σ² ~ InvGamma(α, β), zᵢ ~ N(0, σ²) for i &lt; n.</summary>
    [Model]
    public static double Variance(double alpha, double beta, int n)
    {
        var sigma2 = Sample(InverseGamma(alpha, beta), "sigma2");
        // Observations are Sample sites (kept with _ =): the DT's training simulates them, inference constrains them.
        for (var i = 0; i < n; i++) _ = Sample(Normal(0, Math.Sqrt(sigma2)), "z", i);
        return sigma2;
    }

    // Returning [α, β] gives no batched form; the meta-prior is only simulated, once per training row, so it needs none.
#pragma warning disable PPL0011
    /// <summary>The meta-prior over the prior's parameters: α, β ~ Gamma(1, 1), returned as [α, β].</summary>
    [Model]
    public static double[] Hyperprior()
    {
        // Floors keep every simulated variance (and its observations) finite in double precision.
        var alpha = Math.Max(Sample(Gamma(1, 1), "alpha"), 0.05);
        var beta = Math.Max(Sample(Gamma(1, 1), "beta"), 1e-3);
        return [alpha, beta];
    }
#pragma warning restore PPL0011
}
