using Ppl.Inference.Variational;
using Xunit;
using static TorchSharp.torch;
using T = Ppl.Distributions.Tensors;

namespace Ppl.Inference.Tests.Variational;

/// <summary>
/// The measure-valued derivative of a Categorical site (K − 1 counterfactual runs) against the exact
/// gradient: L(θ) = E_{v~Cat(softmax θ)}[(v − 1.2)² + θ₀·v], whose continuation depends on θ as well, so
/// both the weight term and the pathwise term of the estimator are exercised.
/// </summary>
public class CategoricalMvdTests
{
    private static readonly double[] Theta = [0.3, -0.5, 0.9];

    private static Expectation Program(Tensor[] p, GradientStrategy s) => Vi.E(vi =>
    {
        var v = vi.Sample(new T.Categorical(logits: stack(p, -1)), s);
        return v.Minus(1.2).Squared().Plus(p[0] * v);
    });

    /// <summary>∂L/∂θⱼ = Σᵥ pᵥ(δᵥⱼ − pⱼ)·l(v) + δⱼ₀·Σᵥ pᵥ·v, computed here in closed form.</summary>
    private static double[] Exact()
    {
        var e = Theta.Select(Math.Exp).ToArray();
        var p = e.Select(x => x / e.Sum()).ToArray();
        double L(int v) => (v - 1.2) * (v - 1.2) + Theta[0] * v;
        var g = new double[3];
        for (var j = 0; j < 3; j++)
        {
            for (var v = 0; v < 3; v++) g[j] += p[v] * ((v == j ? 1 : 0) - p[j]) * L(v);
            if (j == 0) g[j] += Enumerable.Range(0, 3).Sum(v => p[v] * v);
        }
        return g;
    }

    [Fact]
    public void Enumeration_is_exact()
    {
        var exact = Exact();
        var g = GradientCheck.Estimates(50, 61, Theta, p => Program(p, GradientStrategy.Enumerate));
        for (var j = 0; j < 3; j++)
        {
            Assert.True(GradientCheck.MeanSe(g[j]).Se < 1e-12, "enumeration has no variance");
            Assert.Equal(exact[j], g[j][0], 9);
        }
    }

    [Theory]
    [InlineData("mvd", 0.03)]
    [InlineData("reinforce", 0.06)]
    public void Mvd_and_reinforce_are_unbiased(string strategy, double tol)
    {
        var exact = Exact();
        var s = strategy == "mvd" ? GradientStrategy.Mvd : GradientStrategy.Reinforce;
        var g = GradientCheck.Estimates(4000, 62, Theta, p => Program(p, s));
        for (var j = 0; j < 3; j++) GradientCheck.AssertUnbiased(g[j], exact[j], tol, $"{strategy} ∂θ{j}");
    }

    [Fact]
    public void Mvd_has_lower_variance_than_reinforce_and_naive_fails()
    {
        var exact = Exact();
        var mvd = GradientCheck.Estimates(4000, 63, Theta, p => Program(p, GradientStrategy.Mvd));
        var rf = GradientCheck.Estimates(4000, 63, Theta, p => Program(p, GradientStrategy.Reinforce));
        // MVD's only randomness is the pathwise term θ₀·v, so it is far less noisy than the score function.
        Assert.True(GradientCheck.MeanSe(mvd[1]).Se * 3 < GradientCheck.MeanSe(rf[1]).Se,
            $"MVD SE {GradientCheck.MeanSe(mvd[1]).Se}, REINFORCE SE {GradientCheck.MeanSe(rf[1]).Se}");
        // MVD for θ₁ and θ₂ has no pathwise term: the estimate is exact for them.
        Assert.True(GradientCheck.MeanSe(mvd[1]).Se < 1e-9 && Math.Abs(mvd[1][0] - exact[1]) < 1e-9);
        var naive = GradientCheck.Estimates(4000, 64, Theta, p => Program(p, GradientStrategy.Naive));
        for (var j = 0; j < 3; j++) GradientCheck.AssertBiased(naive[j], exact[j], $"naive ∂θ{j}");
    }
}
