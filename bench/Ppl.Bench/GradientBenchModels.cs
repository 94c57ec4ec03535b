using Ppl.Autodiff;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Bench;

/// <summary>
/// The models of <c>bench -- gradients</c> (and bench/stan/gradients.sh), written as a user would, as [Model] methods;
/// the Stan models in bench/stan (normal_glm.stan, approximate_gp.stan) are the same densities, constants included.
/// </summary>
public static partial class GradientBenchModels
{
    // Vector observations and Real basis scales have no batched form; the benchmark times the differentiable form.
#pragma warning disable PPL0011
    /// <summary>Normal linear regression, Stan's <c>normal_id_glm</c>: α ~ N(0, 5), βⱼ ~ N(0, 1), σ ~ HalfNormal(1), y ~ N(α + Xβ, σ).</summary>
    [Model]
    public static double NormalGlm(double[][] xs, double[] ys)
    {
        var d = xs[0].Length;
        var alpha = Sample(Normal(0, 5), "alpha");
        var beta = new double[d];
        for (var j = 0; j < d; j++) beta[j] = Sample(Normal(0, 1), "beta", j);
        var sigma = Sample(HalfNormal(1), "sigma");
        Observe(NormalIdGlm(xs, alpha, beta, sigma), ys, "y");
        return alpha;
    }

    /// <summary>
    /// A Hilbert-space approximate GP regression with 66 parameters: α ~ HalfNormal(1), ρ ~ LogNormal(−1, 0.5),
    /// σ ~ HalfNormal(1), 63 weights zⱼ ~ N(0, 1); f(xᵢ) = Σⱼ φⱼ(xᵢ) √S(√λⱼ; α, ρ) zⱼ (exponentiated quadratic) with the
    /// basis φ given as data row by row (Stan's transformed data), y ~ N(f, σ).
    /// </summary>
    [Model]
    public static double ApproximateGp(double[][] basis, double[] ys, double boundary)
    {
        var m = basis[0].Length;
        var alpha = Sample(HalfNormal(1), "alpha");
        var rho = Sample(LogNormal(-1, 0.5), "rho");
        var sigma = Sample(HalfNormal(1), "sigma");
        var weights = new double[m];
        for (var j = 1; j <= m; j++)
        {
            var z = Sample(Normal(0, 1), "z", j);
            weights[j - 1] = RealHilbertGp.ExpQuadScale(j, boundary, alpha, rho) * z;
        }
        var f = new double[ys.Length];
        for (var i = 0; i < ys.Length; i++) f[i] = RealMath.Dot(basis[i], weights);
        Observe(IndependentNormal(f, sigma), ys, "y");
        return alpha;
    }

    /// <summary>The ODE tolerances of the Lotka–Volterra benchmark (<see cref="Ppl.Tests.Shared.LotkaVolterraModels"/>), matched in lotka_volterra.stan.</summary>
    public static readonly OdeOptions LotkaVolterraOptions = new() { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-6, MaxSteps = 10_000 };
#pragma warning restore PPL0011
}
