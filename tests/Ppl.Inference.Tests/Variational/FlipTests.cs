using Ppl.Inference.Variational;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Variational;

/// <summary>papers.md §2.6 test 1: L(p) = E_{b~Bern(p)}[b ? 0 : −p/2], dL/dp = p − 1/2.</summary>
public class FlipTests
{
    private static Expectation Flip(Tensor p, GradientStrategy s) =>
        Vi.E(vi =>
        {
            var b = vi.Sample(new Ppl.Distributions.Tensors.Bernoulli(probs: p), s);
            return b.SubtractedFrom(1) * (-p).Over(2);
        });

    public static TheoryData<string> Strategies => new() { "reinforce", "baseline", "running", "learned", "mvd", "enum" };

    private static GradientStrategy Pick(string name) => name switch
    {
        "reinforce" => GradientStrategy.Reinforce,
        "baseline" => GradientStrategy.ReinforceWith(Baseline.Constant(-0.2)),
        "running" => GradientStrategy.ReinforceWith(Baseline.RunningAverage(0.5)),
        "learned" => GradientStrategy.ReinforceWith(Baseline.Learned(-0.2)),
        "mvd" => GradientStrategy.Mvd,
        "enum" => GradientStrategy.Enumerate,
        _ => GradientStrategy.Naive,
    };

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Unbiased_for_every_p(string strategy)
    {
        foreach (var p in new[] { 0.1, 0.3, 0.5, 0.7, 0.9 })
        {
            var g = GradientCheck.Estimates(4000, 11, [p], ps => Flip(ps[0], Pick(strategy)))[0];
            GradientCheck.AssertUnbiased(g, p - 0.5, 0.02, $"{strategy} at p = {p}");
            if (strategy == "enum") Assert.True(GradientCheck.MeanSe(g).Se < 1e-12, "enumeration is exact");
        }
    }

    [Fact]
    public void Naive_differentiation_fails()
    {
        foreach (var p in new[] { 0.1, 0.3, 0.5, 0.7, 0.9 })
        {
            var g = GradientCheck.Estimates(4000, 12, [p], ps => Flip(ps[0], GradientStrategy.Naive))[0];
            GradientCheck.AssertBiased(g, p - 0.5, $"naive at p = {p}");
            Assert.InRange(GradientCheck.MeanSe(g).Mean, -(1 - p) / 2 - 0.03, -(1 - p) / 2 + 0.03);
        }
    }
}
