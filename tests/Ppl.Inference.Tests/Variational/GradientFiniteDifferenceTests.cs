using MathNet.Numerics;
using Ppl.Inference.Variational;
using Xunit;
using static TorchSharp.torch;
using T = Ppl.Distributions.Tensors;

namespace Ppl.Inference.Tests.Variational;

/// <summary>
/// Gradient estimates against finite differences: papers.md §2.6 test 4 (IWELBO on the conjugate model,
/// against central differences of a 2·10⁵-sample IWELBO estimate with common random numbers: with
/// common random numbers the reference's own standard error is about 0.002, far below the tolerances) and implicit
/// reparameterisation of Gamma, Beta and Dirichlet on a nonlinear function (E[log x], against central
/// differences of its closed form ψ(α) − ψ(Σα)). Each has a naive negative control.
/// </summary>
public class GradientFiniteDifferenceTests
{
    private static readonly DynamicModel<Tensor, Unit> Conjugate = DynamicModel.Create<Tensor, Unit>("conjugate", (t, y) =>
    {
        var z = t.Sample("z", new T.Normal(tensor(0.0), tensor(1.0)));
        t.Observe("y", new T.Normal(z, tensor(1.0)), y);
        return Unit.Value;
    });

    private static DynamicModel<(Tensor M, Tensor S), Unit> Guide(GradientStrategy s) => DynamicModel.Create<(Tensor M, Tensor S), Unit>("q", (t, a) =>
    {
        t.Sample("z", new T.Normal(a.M, a.S).With(s));
        return Unit.Value;
    });

    private const double Y = 1.5, M = 0.1, S = 0.7;

    private static Expectation Iwelbo(Tensor m, Tensor s, GradientStrategy st) =>
        Objectives.Iwelbo(Conjugate, tensor(Y), Vi.Guide(Guide(st), (m, s)), 3);

    /// <summary>Central differences of IWELBO₃ estimated with 2·10⁵ particles, the same seed (common random numbers) at every point.</summary>
    private static (double Dm, double Ds) FiniteDifferences()
    {
        set_num_threads(1);
        using var scope = NewDisposeScope();
        const double h = 1e-3;
        const int n = 200_000;
        double V(double m, double s) => Iwelbo(tensor(m, float64), tensor(s, float64), GradientStrategy.Reparam).Value(new Rng(404), n);
        return ((V(M + h, S) - V(M - h, S)) / (2 * h), (V(M, S + h) - V(M, S - h)) / (2 * h));
    }

    [Fact]
    public void Iwelbo_gradient_matches_finite_differences_and_naive_fails()
    {
        var (dm, ds) = FiniteDifferences();
        // Sanity of the reference: m = 0.1 is below the posterior mean y/2 = 0.75, so the IWELBO rises with m.
        Assert.True(dm > 0.5, $"finite-difference ∂m {dm}");
        foreach (var (name, strategy, tol) in new[] { ("reparam", GradientStrategy.Reparam, 0.03), ("reinforce", GradientStrategy.Reinforce, 0.2) })
        {
            var g = GradientCheck.Estimates(4000, 71, [M, S], p => Iwelbo(p[0], p[1], strategy));
            GradientCheck.AssertUnbiased(g[0], dm, tol, $"IWELBO₃ {name} ∂m");
            GradientCheck.AssertUnbiased(g[1], ds, tol, $"IWELBO₃ {name} ∂s");
        }
        var naive = GradientCheck.Estimates(4000, 72, [M, S], p => Iwelbo(p[0], p[1], GradientStrategy.Naive));
        GradientCheck.AssertBiased(naive[0], dm, "naive ∂m");
    }

    private static double Fd(Func<double, double> f, double x, double h = 1e-5) => (f(x + h) - f(x - h)) / (2 * h);

    [Fact]
    public void Implicit_reparam_of_expected_log_matches_finite_differences()
    {
        // Gamma(α, β): E[log x] = ψ(α) − log β.
        var gam = GradientCheck.Estimates(4000, 81, [2.5, 1.5], p => Vi.E(vi => vi.Sample(new T.Gamma(p[0], p[1]), GradientStrategy.Reparam).log()));
        GradientCheck.AssertUnbiased(gam[0], Fd(a => SpecialFunctions.DiGamma(a) - Math.Log(1.5), 2.5), 0.01, "gamma ∂α");
        GradientCheck.AssertUnbiased(gam[1], Fd(b => SpecialFunctions.DiGamma(2.5) - Math.Log(b), 1.5), 0.01, "gamma ∂β");
        // Beta(a, b): E[log x] = ψ(a) − ψ(a + b).
        var beta = GradientCheck.Estimates(4000, 82, [2.0, 3.0], p => Vi.E(vi => vi.Sample(new T.Beta(p[0], p[1]), GradientStrategy.Reparam).log()));
        GradientCheck.AssertUnbiased(beta[0], Fd(a => SpecialFunctions.DiGamma(a) - SpecialFunctions.DiGamma(a + 3.0), 2.0), 0.015, "beta ∂a");
        GradientCheck.AssertUnbiased(beta[1], Fd(b => SpecialFunctions.DiGamma(2.0) - SpecialFunctions.DiGamma(2.0 + b), 3.0), 0.015, "beta ∂b");
        // Dirichlet(α): E[log x₀] = ψ(α₀) − ψ(Σα).
        var dir = GradientCheck.Estimates(4000, 83, [2.0, 1.0, 3.0], p => Vi.E(vi =>
            vi.Sample(new T.Dirichlet(stack([p[0], p[1], p[2]], -1)), GradientStrategy.Reparam).select(-1, 0).log()));
        GradientCheck.AssertUnbiased(dir[0], Fd(a => SpecialFunctions.DiGamma(a) - SpecialFunctions.DiGamma(a + 4.0), 2.0), 0.015, "dirichlet ∂α₀");
        GradientCheck.AssertUnbiased(dir[1], Fd(a => SpecialFunctions.DiGamma(2.0) - SpecialFunctions.DiGamma(a + 5.0), 1.0), 0.015, "dirichlet ∂α₁");
        // Negative control: the draw without its implicit derivative has gradient zero in α.
        var naive = GradientCheck.Estimates(4000, 84, [2.0, 3.0], p => Vi.E(vi => vi.Sample(new T.Beta(p[0], p[1]), GradientStrategy.Naive).log()));
        GradientCheck.AssertBiased(naive[0], Fd(a => SpecialFunctions.DiGamma(a) - SpecialFunctions.DiGamma(a + 3.0), 2.0), "naive beta ∂a");
    }
}
