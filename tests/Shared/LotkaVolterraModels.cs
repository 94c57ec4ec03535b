using Ppl.Autodiff;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Tests.Shared;

// The Lotka–Volterra [Model] shared by the conformance suite and the gradients benchmark (linked into both): one
// model, each caller choosing the solver's tolerances.

/// <summary>The Lotka–Volterra predator–prey model as a [Model] method.</summary>
public static partial class LotkaVolterraModels
{
    // An ODE solve has no batched (tensor) form.
#pragma warning disable PPL0011
    /// <summary>
    /// The Lotka–Volterra predator–prey model of Stan's case study (Carpenter 2018), solved with
    /// <see cref="OdeSolver.Rk45States(RealOdeRhs, double[], double[], double, double[], OdeOptions?)"/>: α, γ ~ LogNormal(0, 0.25),
    /// β, δ ~ LogNormal(−3, 0.25), initial populations z₀ ~ LogNormal(log 30, 0.25) and LogNormal(log 5, 0.25),
    /// σ ~ LogNormal(−1.5, 0.25); the measured initial populations and those at <paramref name="ts"/> are log-normal
    /// around the solution. (The case study's priors are wider; these keep every prior draw's dynamics tame, as SBC
    /// needs.)
    /// </summary>
    /// <param name="ts">The measurement times (after 0).</param>
    /// <param name="yInit">The measured populations at time 0 (prey, predator).</param>
    /// <param name="y">The measured populations at <paramref name="ts"/>, flattened: prey at 2k, predator at 2k + 1.</param>
    /// <param name="options">The solver's tolerances and step limit.</param>
    [Model]
    public static double LotkaVolterra(double[] ts, double[] yInit, double[] y, OdeOptions options)
    {
        var alpha = Sample(LogNormal(0, 0.25));
        var beta = Sample(LogNormal(-3, 0.25));
        var gamma = Sample(LogNormal(0, 0.25));
        var delta = Sample(LogNormal(-3, 0.25));
        var prey0 = Sample(LogNormal(Math.Log(30), 0.25), "z0", 0);
        var predator0 = Sample(LogNormal(Math.Log(5), 0.25), "z0", 1);
        var sigma = Sample(LogNormal(-1.5, 0.25));
        double[] theta = [alpha, beta, gamma, delta];
        double[] z0 = [prey0, predator0];
        var z = OdeSolver.Rk45States(Rhs, z0, theta, 0, ts, options);
        for (var i = 0; i < 2; i++) Observe(LogNormal(Math.Log(z0[i]), sigma), yInit[i], "yInit", i);
        for (var k = 0; k < ts.Length; k++)
            for (var i = 0; i < 2; i++) Observe(LogNormal(Math.Log(z[k, i]), sigma), y[2 * k + i], "y", 2 * k + i);
        return alpha;
    }
#pragma warning restore PPL0011

    /// <summary>du/dt = (α − β v) u, dv/dt = (−γ + δ u) v with θ = (α, β, γ, δ).</summary>
    public static void Rhs(Real t, ReadOnlySpan<Real> z, ReadOnlySpan<Real> theta, Span<Real> dz)
    {
        dz[0] = (theta[0] - theta[1] * z[1]) * z[0];
        dz[1] = (-theta[2] + theta[3] * z[0]) * z[1];
    }
}
