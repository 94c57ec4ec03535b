using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Examples;

/// <summary>The eight schools model (Rubin 1981; Gelman et al., BDA3 §5.5), as a [Model] method.</summary>
public static partial class EightSchoolsModels
{
    /// <summary>
    /// Non-centred eight schools: μ ~ N(0, 5), τ ~ HalfCauchy(5), ηⱼ ~ N(0, 1), θⱼ = μ + τ ηⱼ,
    /// yⱼ ~ N(θⱼ, σⱼ) observed. θⱼ is a deterministic quantity (Stan's transformed parameter): MCMC reports it
    /// with every draw as <c>theta/j</c>. Returns θ.
    /// </summary>
    [Model]
    public static double[] EightSchools(double[] y, double[] sigma)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfCauchy(5));
        var theta = new double[y.Length];
        for (var j = 0; j < y.Length; j++)
        {
            var eta = Sample(Normal(0, 1), "eta", j);
            theta[j] = Deterministic(mu + tau * eta, "theta", j);
            Observe(Normal(theta[j], sigma[j]), y[j], "y", j);
        }
        return theta;
    }
}
