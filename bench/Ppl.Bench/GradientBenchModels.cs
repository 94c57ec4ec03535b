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

    /// <summary>The ODE tolerances of the Lotka–Volterra benchmark, matched in lotka_volterra.stan.</summary>
    public static readonly OdeOptions LotkaVolterraOptions = new() { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-6, MaxSteps = 10_000 };

    /// <summary>
    /// Lotka–Volterra (Stan's case study, log-normal priors): α, γ ~ LogNormal(0, 0.25), β, δ ~ LogNormal(−3, 0.25), the
    /// initial populations z0 ~ LogNormal(log 30, 0.25) and LogNormal(log 5, 0.25), σ ~ LogNormal(−1.5, 0.25); the solution
    /// by RK45 with forward sensitivities, and every measured population log-normal around it.
    /// </summary>
    [Model]
    public static double LotkaVolterra(double[] ts, double[] yInit, double[] y)
    {
        var alpha = Sample(LogNormal(0, 0.25), "alpha");
        var beta = Sample(LogNormal(-3, 0.25), "beta");
        var gamma = Sample(LogNormal(0, 0.25), "gamma");
        var delta = Sample(LogNormal(-3, 0.25), "delta");
        var prey0 = Sample(LogNormal(Math.Log(30), 0.25), "z0", 0);
        var predator0 = Sample(LogNormal(Math.Log(5), 0.25), "z0", 1);
        var sigma = Sample(LogNormal(-1.5, 0.25), "sigma");
        double[] theta = [alpha, beta, gamma, delta];
        double[] z0 = [prey0, predator0];
        var z = OdeSolver.Rk45States(LotkaVolterraRhs, z0, theta, 0, ts, LotkaVolterraOptions);
        for (var i = 0; i < 2; i++) Observe(LogNormal(Math.Log(z0[i]), sigma), yInit[i], "yInit", i);
        for (var k = 0; k < ts.Length; k++)
            for (var i = 0; i < 2; i++) Observe(LogNormal(Math.Log(z[k, i]), sigma), y[2 * k + i], "y", 2 * k + i);
        return alpha;
    }
#pragma warning restore PPL0011

    /// <summary>du/dt = (α − β v) u, dv/dt = (−γ + δ u) v with θ = (α, β, γ, δ).</summary>
    public static void LotkaVolterraRhs(Real t, ReadOnlySpan<Real> z, ReadOnlySpan<Real> theta, Span<Real> dz)
    {
        dz[0] = (theta[0] - theta[1] * z[1]) * z[0];
        dz[1] = (-theta[2] + theta[3] * z[0]) * z[1];
    }
}
