using Ppl.Inference.Variational;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Variational;

/// <summary>
/// Per-estimate gradients without R backward passes: each particle gets its own copy of the parameters
/// (a vector of R equal entries), so the gradient of the summed surrogates with respect to entry i is
/// particle i's estimate. papers.md §2.6: |mean − exact| ≤ 4.5·SE and SE ≤ tol.
/// </summary>
internal static class GradientCheck
{
    public static double[][] Estimates(int r, ulong seed, double[] theta, Func<Tensor[], Expectation> build)
    {
        set_num_threads(1);
        using var scope = NewDisposeScope();
        var ps = theta.Select(v => TensorArithmetic.Full([r], v, float64).requires_grad_(true)).ToArray();
        var est = build(ps).Estimate(new Rng(seed), r);
        // A naive estimator may leave nothing to differentiate: its gradient is then zero.
        if (!est.Surrogate.requires_grad) return ps.Select(_ => new double[r]).ToArray();
        est.Surrogate.Times(r).backward();
        return ps.Select(p => p.grad is { } g ? g.data<double>().ToArray() : new double[r]).ToArray();
    }

    public static (double Mean, double Se) MeanSe(double[] xs)
    {
        var m = xs.Average();
        var v = xs.Sum(x => (x - m) * (x - m)) / (xs.Length - 1);
        return (m, Math.Sqrt(v / xs.Length));
    }

    /// <summary>True when the estimates are consistent with <paramref name="exact"/> (4.5 SE, or 1e-9 when exact).</summary>
    public static bool Unbiased(double[] xs, double exact, double tol)
    {
        var (m, se) = MeanSe(xs);
        Assert.True(se <= tol, $"SE {se} above {tol}: the test has too little power.");
        return Math.Abs(m - exact) <= 4.5 * se + 1e-9;
    }

    public static void AssertUnbiased(double[] xs, double exact, double tol, string what)
    {
        var (m, se) = MeanSe(xs);
        Assert.True(Unbiased(xs, exact, tol), $"{what}: mean {m} ± {se}, exact {exact}.");
    }

    public static void AssertBiased(double[] xs, double exact, string what)
    {
        var (m, se) = MeanSe(xs);
        Assert.False(Math.Abs(m - exact) <= 4.5 * se + 1e-9, $"{what} (negative control) passed: mean {m} ± {se}, exact {exact}.");
    }
}
